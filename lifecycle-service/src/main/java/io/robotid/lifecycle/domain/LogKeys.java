package io.robotid.lifecycle.domain;

/**
 * What lifecycle-service commits to its transparency log (EVIDENCE.md section 11): each event, under
 * {@code event/<robot ID>/<sequence>}, and each recall campaign, under {@code recall/<campaign ID>}.
 */
public final class LogKeys {
    public static final String LIFECYCLE_EVENT = "lifecycle-event";
    public static final String RECALL_CAMPAIGN = "recall-campaign";

    private LogKeys() {
    }

    public static String event(String robotId, long sequence) {
        return "event/" + robotId + "/" + sequence;
    }

    public static String recallCampaign(String campaignId) {
        return "recall/" + campaignId;
    }
}
