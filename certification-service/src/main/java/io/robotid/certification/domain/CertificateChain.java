package io.robotid.certification.domain;

/**
 * The rules of a certificate's chain of actions (EVIDENCE.md 6.4) that the certificate row folds: the
 * state, reason and last change are the last action's, and whose suspension is in force follows here.
 * The same rule writes the chain and verifies it.
 */
public final class CertificateChain {
    private CertificateChain() {
    }

    /**
     * The role whose suspension is in force after an action: the suspender's after a suspension, none
     * after a reinstatement, unchanged by a revocation.
     *
     * @param stateAfter the action's state after, as stored (e.g. {@code SUSPENDED})
     * @param actorRole  the role the action was taken in
     * @param before     the role in force before the action, or null
     */
    public static String suspendedByRoleAfter(String stateAfter, String actorRole, String before) {
        if (CertificateState.SUSPENDED.name().equals(stateAfter)) {
            return actorRole;
        }
        return CertificateState.ACTIVE.name().equals(stateAfter) ? null : before;
    }
}
