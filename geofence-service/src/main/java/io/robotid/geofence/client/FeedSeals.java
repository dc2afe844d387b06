package io.robotid.geofence.client;

import java.time.Instant;
import java.util.Map;

import com.google.protobuf.Timestamp;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * The seals of the feeds this service follows (EVIDENCE.md sections 5 and 6.6): an entry is applied, and
 * a stored one loaded, only when its seal is the one its fields give.
 */
public final class FeedSeals {
    private FeedSeals() {
    }

    /** Null when the lifecycle entry's entry_hash is its seal; else what is wrong. */
    public static String lifecycleProblem(WatchStatusChangesResponse e) {
        byte[] eventHash = Hex.digestOrNull(e.getEventHash());
        if (eventHash == null) {
            return "lifecycle feed entry " + e.getFeedSequence() + " names no event hash";
        }
        if (e.getChangedAt().getNanos() % 1000 != 0) {
            return "lifecycle feed entry " + e.getFeedSequence() + " has an instant finer than the microseconds it was sealed with";
        }
        String computed = Hex.of(LifecycleFeedEntries.hash(new LifecycleFeedEntries.Entry(e.getFeedSequence(),
                e.getRobotId(), e.getEventSequence(), eventHash, e.getStatus().name(), e.getSuspended(),
                e.getOpenStopUseRecallsList(), e.getCause().name(), instant(e.getChangedAt()), e.getOperatorOrgId(),
                e.hasConfigurationChange() ? e.getConfigurationChange().toByteArray() : new byte[0])));
        return computed.equals(e.getEntryHash()) ? null
                : "lifecycle feed entry " + e.getFeedSequence() + " (robot " + e.getRobotId() + ") does not match its seal";
    }

    /** Null when the certification entry's entry_hash is its seal; else what is wrong. */
    public static String certificationProblem(WatchCertificationChangesResponse e) {
        if (e.getChangedAt().getNanos() % 1000 != 0) {
            return "certification feed entry " + e.getSequence() + " has an instant finer than the microseconds it was sealed with";
        }
        byte[] body = e.toBuilder().clearSequence().clearEntryHash().build().toByteArray();
        String certificateId = e.hasCertificate() ? e.getCertificate().getCertificateId() : "";
        String robotId = e.hasRevalidation() ? e.getRevalidation().getRobotId()
                : e.hasCertificate() && e.getCertificate().getSubject().length() == 29 ? e.getCertificate().getSubject() : "";
        String computed = Hex.of(Sha256.of(CertificationRecords.encode(new CertificationRecords.FeedEntry(e.getSequence(),
                e.getKind().name(), certificateId, robotId, instant(e.getChangedAt()), body))));
        return computed.equals(e.getEntryHash()) ? null
                : "certification feed entry " + e.getSequence() + " does not match its seal";
    }

    public static WatchStatusChangesResponse requireLifecycle(WatchStatusChangesResponse e) {
        return require(lifecycleProblem(e), e.getFeedSequence(), e);
    }

    public static WatchCertificationChangesResponse requireCertification(WatchCertificationChangesResponse e) {
        return require(certificationProblem(e), e.getSequence(), e);
    }

    private static <T> T require(String problem, long sequence, T entry) {
        if (problem != null) {
            throw DomainException.dataLoss("FEED_ENTRY_NOT_SEALED", problem + ": it is not applied",
                    Map.of("sequence", Long.toString(sequence)));
        }
        return entry;
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
