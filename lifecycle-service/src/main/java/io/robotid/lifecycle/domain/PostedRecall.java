package io.robotid.lifecycle.domain;

import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallSeverity;

/**
 * A recall campaign as posted (CreateRecallCampaign), before the field rules (RecallService checks it). The
 * severity and the criteria are the messages the campaign's record is sealed over.
 *
 * @param title       as sent
 * @param description as sent
 * @param severity    as sent (UNSPECIFIED and unknown numbers are refused by the rules)
 * @param criteria    as sent, never null (the default instance when none was sent)
 */
public record PostedRecall(String title, String description, RecallSeverity severity, RecallCriteria criteria) {
}
