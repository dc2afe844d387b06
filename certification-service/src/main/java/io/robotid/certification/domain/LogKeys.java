package io.robotid.certification.domain;

import java.util.ArrayList;
import java.util.List;

import io.robotid.evidence.codec.Hex;
import io.robotid.kit.tlog.TransparencyLog;

/**
 * What certification-service commits to its transparency log (EVIDENCE.md section 11): every sealed
 * record (section 6), by kind, under a key that finds its leaf again; the hash committed is the
 * record's seal. A test result, failed ones included, can no longer disappear unnoticed.
 */
public final class LogKeys {
    public static final String BODY = "certification-body";
    public static final String TEST_RESULT = "test-result";
    public static final String CERTIFICATE = "certificate";
    public static final String CERTIFICATE_ACTION = "certificate-action";
    public static final String REVALIDATION_MARK = "revalidation-mark";
    public static final String REVALIDATION_CLEARING = "revalidation-clearing";

    private LogKeys() {
    }

    /** {@code body/<body id>/<accreditation version>} */
    public static TransparencyLog.Leaf leaf(CertificationBody b) {
        return new TransparencyLog.Leaf(BODY, "body/" + b.bodyId + "/" + b.accreditationVersion, Hex.parse(b.recordHash));
    }

    /** {@code result/<result id>} */
    public static TransparencyLog.Leaf leaf(TestResultRecord r) {
        return new TransparencyLog.Leaf(TEST_RESULT, "result/" + r.id, Hex.parse(r.recordHash));
    }

    /** {@code certificate/<certificate id>} */
    public static TransparencyLog.Leaf leaf(CertificateRecord c) {
        return new TransparencyLog.Leaf(CERTIFICATE, "certificate/" + c.id, Hex.parse(c.recordHash));
    }

    /** {@code certificate/<certificate id>/action/<action record hash>} (an action is found by its own seal) */
    public static TransparencyLog.Leaf leaf(CertificateAction a) {
        return new TransparencyLog.Leaf(CERTIFICATE_ACTION, "certificate/" + a.certificateId + "/action/" + a.recordHash,
                Hex.parse(a.recordHash));
    }

    /** {@code mark/<robot>/<tier>/<lifecycle feed sequence>}, and its clearing when made with it. */
    public static List<TransparencyLog.Leaf> leaves(RevalidationMark m) {
        List<TransparencyLog.Leaf> out = new ArrayList<>(2);
        out.add(new TransparencyLog.Leaf(REVALIDATION_MARK, markKey(m), Hex.parse(m.markHash)));
        if (m.clearingHash != null) {
            out.add(clearingLeaf(m));
        }
        return out;
    }

    /** {@code mark/<robot>/<tier>/<lifecycle feed sequence>/clearing} */
    public static TransparencyLog.Leaf clearingLeaf(RevalidationMark m) {
        return new TransparencyLog.Leaf(REVALIDATION_CLEARING, markKey(m) + "/clearing", Hex.parse(m.clearingHash));
    }

    private static String markKey(RevalidationMark m) {
        return "mark/" + m.robotId + "/" + m.tier.name() + "/" + m.lifecycleFeedSequence;
    }
}
