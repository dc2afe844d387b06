package io.robotid.geofence.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.feed.FeedSeals;
import io.robotid.proto.certification.v1.ChangeKind;
import io.robotid.proto.certification.v1.UnitRevalidation;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * The kit's FeedSeals over this service's generated feed messages (it reads them by field name), as every
 * follower checks them: a sealed entry passes, any changed or unsealable field is named.
 */
class FeedSealsTest {
    static final Timestamp AT = Timestamp.newBuilder().setSeconds(1_790_000_000L).setNanos(123_456_000).build();

    static WatchStatusChangesResponse lifecycleEntry() {
        WatchStatusChangesResponse e = WatchStatusChangesResponse.newBuilder().setFeedSequence(41)
                .setRobotId("CNABCD0MDL0120260000000000017").setEventSequence(3)
                .setEventHash(Hex.of(Sha256.of(new byte[] { 1 }))).setStatus(RobotStatus.ROBOT_STATUS_IN_SERVICE)
                .addOpenStopUseRecalls("7b0c1c38-5b1e-4bb2-9c4a-5d2b8f1f1a11").setCause(EventType.EVENT_TYPE_DEPLOYED)
                .setChangedAt(AT).setOperatorOrgId("org-a").build();
        return e.toBuilder().setEntryHash(FeedSeals.lifecycleSeal(e)).build();
    }

    @Test
    void aSealedLifecycleEntryPassesAndAnyChangedFieldIsCaught() {
        WatchStatusChangesResponse sealed = lifecycleEntry();
        assertThat(sealed.getEntryHash()).hasSize(64);
        assertThat(FeedSeals.lifecycleProblem(sealed)).isNull();
        assertThat(FeedSeals.requireLifecycle(sealed)).isSameAs(sealed);

        for (WatchStatusChangesResponse changed : new WatchStatusChangesResponse[] {
                sealed.toBuilder().setStatus(RobotStatus.ROBOT_STATUS_SUSPENDED).build(),
                sealed.toBuilder().setSuspended(true).build(),
                sealed.toBuilder().clearOpenStopUseRecalls().build(),
                sealed.toBuilder().setOperatorOrgId("org-b").build(),
                sealed.toBuilder().setFeedSequence(42).build(),
                sealed.toBuilder().setChangedAt(AT.toBuilder().setSeconds(AT.getSeconds() + 1)).build() }) {
            assertThat(FeedSeals.lifecycleProblem(changed)).contains("does not match its seal");
        }
        assertThatThrownBy(() -> FeedSeals.requireLifecycle(sealed.toBuilder().setOperatorOrgId("org-b").build()))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS);
                    assertThat(e.reason()).isEqualTo("FEED_ENTRY_NOT_SEALED");
                    assertThat(e.metadata()).containsEntry("feed_sequence", "41");
                    assertThat(e.getMessage()).contains("lifecycle feed entry 41").contains("it is not applied");
                });
    }

    @Test
    void fieldsThatWereNeverSealedAreNamed() {
        WatchStatusChangesResponse sealed = lifecycleEntry();
        assertThat(FeedSeals.lifecycleSeal(sealed.toBuilder().setEventHash("").build())).isNull();
        assertThat(FeedSeals.lifecycleProblem(sealed.toBuilder().setEventHash("").build())).contains("names no event hash");
        WatchStatusChangesResponse finer = sealed.toBuilder().setChangedAt(AT.toBuilder().setNanos(123_456_789)).build();
        assertThat(FeedSeals.lifecycleProblem(finer)).contains("finer than the microseconds");
    }

    @Test
    void aSealedCertificationEntryPassesAndAChangedOneIsCaught() {
        WatchCertificationChangesResponse e = WatchCertificationChangesResponse.newBuilder().setSequence(9)
                .setKind(ChangeKind.CHANGE_KIND_REVALIDATION_CHANGED).setChangedAt(AT)
                .setRevalidation(UnitRevalidation.newBuilder().setRobotId("CNABCD0MDL0120260000000000017")).build();
        WatchCertificationChangesResponse sealed = e.toBuilder().setEntryHash(FeedSeals.certificationSeal(e)).build();
        assertThat(FeedSeals.certificationProblem(sealed)).isNull();
        assertThat(FeedSeals.certificationProblem(sealed.toBuilder().setSequence(10).build())).contains("does not match its seal");
        assertThatThrownBy(() -> FeedSeals.requireCertification(sealed.toBuilder()
                .setRevalidation(UnitRevalidation.newBuilder().setRobotId("CNABCD0MDL0120260000000000025")).build()))
                .isInstanceOfSatisfying(DomainException.class, x -> assertThat(x.metadata()).containsEntry("sequence", "9"));
    }

    /** EVIDENCE.md section 5's vector, recomputed from the proto message as a follower receives it. */
    @Test
    void theLifecycleFeedVectorOfEvidenceMd() {
        java.time.Instant at = java.time.Instant.parse("2026-11-22T07:45:10.000001Z");
        WatchStatusChangesResponse e = WatchStatusChangesResponse.newBuilder().setFeedSequence(7)
                .setRobotId("CNA1B2C3D4E526BJ000000000001G").setEventSequence(4).setEventHash("33".repeat(32))
                .setStatus(RobotStatus.ROBOT_STATUS_IN_SERVICE).setSuspended(false).setCause(EventType.EVENT_TYPE_DEPLOYED)
                .setChangedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .setOperatorOrgId("org-city-services").build();
        assertThat(FeedSeals.lifecycleSeal(e)).isEqualTo("d34eb78503652bd45ceedbb97cdc921eb72b8d1f5f0aed1011b801a28869ce1a");
    }

    /**
     * EVIDENCE.md section 6.6's vector, recomputed from the proto message as geofence receives it: the
     * vector's {@code body} is the entry without its sequence and seal, so adding sequence 12 gives the entry.
     */
    @Test
    void theCertificationFeedVectorOfEvidenceMd() throws Exception {
        WatchCertificationChangesResponse e = WatchCertificationChangesResponse.parseFrom(Hex.parse(
                "120608a0b480d806180122320a2463383935643037342d356231612d346332652d396433662d3661376238633964306531661a0643334434453540027801"))
                .toBuilder().setSequence(12).build();
        assertThat(e.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_CERTIFICATE_ISSUED);
        assertThat(e.getChangedAt().getSeconds()).isEqualTo(java.time.Instant.parse("2026-11-20T10:00:00Z").getEpochSecond());
        assertThat(FeedSeals.certificationSeal(e)).isEqualTo("aba6ab7d8fc23b57b1b54f1f541d97edcab5ee0c1d802f63c78fb18c5bc353c9");
    }
}
