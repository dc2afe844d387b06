package io.robotid.kit.feed;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.kit.error.DomainException;

/**
 * The seals of the registry's feeds (EVIDENCE.md section 5, the lifecycle feed's
 * {@code WatchStatusChangesResponse}, and 6.6, the certification feed's {@code WatchCertificationChangesResponse}),
 * checked by every follower (identity, certification, geofence) before an entry is applied or a stored one
 * loaded. Each service generates its own classes from the proto files, so the entry is read by its proto field
 * names, the names EVIDENCE.md gives the sealed fields: one implementation for every service's classes.
 */
public final class FeedSeals {
    private FeedSeals() {
    }

    /**
     * The seal (SHA-256, hex) of a lifecycle feed entry's robotid-lifecycle-feed-v1 record, or null when its
     * fields cannot have been sealed: no event hash, or an instant finer than the microseconds sealed.
     */
    public static String lifecycleSeal(Message e) {
        if (lifecycleUnsealable(e) != null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<String> recalls = (List<String>) field(e, "open_stop_use_recalls");
        return Hex.of(LifecycleFeedEntries.hash(new LifecycleFeedEntries.Entry(number(e, "feed_sequence"),
                text(e, "robot_id"), number(e, "event_sequence"), Hex.digestOrNull(text(e, "event_hash")),
                enumName(e, "status"), (Boolean) field(e, "suspended"), recalls, enumName(e, "cause"),
                instant(e, "changed_at"), text(e, "operator_org_id"),
                has(e, "configuration_change") ? ((Message) field(e, "configuration_change")).toByteArray() : new byte[0])));
    }

    /** Null when the lifecycle entry's entry_hash is its seal; else what is wrong. */
    public static String lifecycleProblem(Message e) {
        String unsealable = lifecycleUnsealable(e);
        if (unsealable != null) {
            return unsealable;
        }
        return lifecycleSeal(e).equals(text(e, "entry_hash")) ? null
                : "lifecycle feed entry " + number(e, "feed_sequence") + " (robot " + text(e, "robot_id") + ", event "
                        + number(e, "event_sequence") + ") does not match its seal";
    }

    /** The lifecycle entry, when its seal holds; DATA_LOSS {@code FEED_ENTRY_NOT_SEALED} saying why otherwise. */
    public static <T extends Message> T requireLifecycle(T e) {
        return require(lifecycleProblem(e), "feed_sequence", number(e, "feed_sequence"), e);
    }

    /**
     * The seal (SHA-256, hex) of a certification feed entry's robotid-certification-feed-v1 record: its
     * sequence, kind, certificate, robot, instant, and the entry's own bytes without sequence and seal.
     */
    public static String certificationSeal(Message e) {
        Message.Builder unsealed = e.toBuilder();
        unsealed.clearField(descriptor(e, "sequence")).clearField(descriptor(e, "entry_hash"));
        byte[] body = unsealed.build().toByteArray();
        Message certificate = has(e, "certificate") ? (Message) field(e, "certificate") : null;
        Message revalidation = has(e, "revalidation") ? (Message) field(e, "revalidation") : null;
        String certificateId = certificate != null ? text(certificate, "certificate_id") : "";
        String robotId = revalidation != null ? text(revalidation, "robot_id")
                : certificate != null && text(certificate, "subject").length() == 29 ? text(certificate, "subject") : "";
        return Hex.of(Sha256.of(CertificationRecords.encode(new CertificationRecords.FeedEntry(number(e, "sequence"),
                enumName(e, "kind"), certificateId, robotId, instant(e, "changed_at"), body))));
    }

    /** Null when the certification entry's entry_hash is its seal; else what is wrong. */
    public static String certificationProblem(Message e) {
        if (nanos(e, "changed_at") % 1000 != 0) {
            return "certification feed entry " + number(e, "sequence")
                    + " has an instant finer than the microseconds it was sealed with";
        }
        return certificationSeal(e).equals(text(e, "entry_hash")) ? null
                : "certification feed entry " + number(e, "sequence") + " does not match its seal";
    }

    /** The certification entry, when its seal holds; DATA_LOSS {@code FEED_ENTRY_NOT_SEALED} saying why otherwise. */
    public static <T extends Message> T requireCertification(T e) {
        return require(certificationProblem(e), "sequence", number(e, "sequence"), e);
    }

    private static String lifecycleUnsealable(Message e) {
        if (Hex.digestOrNull(text(e, "event_hash")) == null) {
            return "lifecycle feed entry " + number(e, "feed_sequence") + " names no event hash";
        }
        if (nanos(e, "changed_at") % 1000 != 0) {
            return "lifecycle feed entry " + number(e, "feed_sequence")
                    + " has an instant finer than the microseconds it was sealed with";
        }
        return null;
    }

    private static <T> T require(String problem, String sequenceField, long sequence, T entry) {
        if (problem != null) {
            throw DomainException.dataLoss("FEED_ENTRY_NOT_SEALED", problem + ": it is not applied",
                    Map.of(sequenceField, Long.toString(sequence)));
        }
        return entry;
    }

    private static FieldDescriptor descriptor(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f == null) {
            throw new IllegalArgumentException(m.getDescriptorForType().getFullName() + " has no field " + name
                    + ": not a feed entry");
        }
        return f;
    }

    private static Object field(Message m, String name) {
        return m.getField(descriptor(m, name));
    }

    private static boolean has(Message m, String name) {
        return m.hasField(descriptor(m, name));
    }

    private static String text(Message m, String name) {
        return (String) field(m, name);
    }

    private static long number(Message m, String name) {
        return (Long) field(m, name);
    }

    private static String enumName(Message m, String name) {
        return ((EnumValueDescriptor) field(m, name)).getName();
    }

    private static int nanos(Message m, String name) {
        Message t = (Message) field(m, name);
        return (Integer) field(t, "nanos");
    }

    private static Instant instant(Message m, String name) {
        Message t = (Message) field(m, name);
        return Instant.ofEpochSecond((Long) field(t, "seconds"), (Integer) field(t, "nanos"));
    }
}
