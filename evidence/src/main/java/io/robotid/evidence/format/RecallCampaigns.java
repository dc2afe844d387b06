package io.robotid.evidence.format;

import io.robotid.evidence.codec.RecordWriter;

/**
 * A recall campaign as created (EVIDENCE.md section 4.3): which robots it covers is in their chains (each
 * got a RECALL_NOTIFIED event naming the campaign); its title, description, severity and criteria are
 * sealed here.
 */
public final class RecallCampaigns {
    public static final String TAG = "robotid-recall-campaign-v1";

    private RecallCampaigns() {
    }

    /**
     * @param criteria the {@code robotid.lifecycle.v1.RecallCriteria} bytes exactly as stored
     */
    public record Campaign(String campaignId, String title, String description, String severity, byte[] criteria,
            Stamp created) {
    }

    public static byte[] encode(Campaign c) {
        RecordWriter w = RecordWriter.tagged(TAG).text(c.campaignId()).text(c.title()).text(c.description())
                .text(c.severity()).bytes(c.criteria());
        c.created().writeTo(w);
        return w.toByteArray();
    }
}
