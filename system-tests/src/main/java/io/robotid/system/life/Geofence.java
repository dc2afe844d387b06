package io.robotid.system.life;

/**
 * The geofence-service part of a robot's life (issue 8 steps 5, 6, 7, 8 and 10; DESIGN.md
 * sections 4 and 6), called by {@link RobotLife} at the marked places ({@code // geofence: step ...}).
 * geofence-service (port 8105) is not built yet: {@link #NOT_YET} only says what each place will
 * check. When it exists, an implementation over its gRPC API goes here, used by both the system
 * test and the demo; every method must check its outcome and throw an AssertionError when it is not
 * what DESIGN.md says.
 */
public interface Geofence {

    /**
     * Step 5, after deployment: a zone authority sets a PROHIBITED zone, a RESTRICTED zone with a
     * grant for this robot, and a CONDITIONAL public-space zone; the robot's checks come out DENY,
     * ALLOW and ALLOW_WITH_CONDITIONS (speed limit from its certification, section 6).
     */
    void step5Zones(RobotLife life);

    /** Step 6, just after SUSPENDED: within one second its checks are DENY (suspended) and its watch stream says so. */
    void step6WhileSuspended(RobotLife life);

    /** Step 6, after REINSTATED: the checks of step 5 come out as before. */
    void step6AfterReinstated(RobotLife life);

    /** Step 7, while a tier needs re-validation: checks that need the tier are DENY (missing certification tier). */
    void step7WhileRevalidationPending(RobotLife life);

    /** Step 7, after the new passing test: those checks are allowed again. */
    void step7AfterRevalidated(RobotLife life);

    /** Step 8, while the STOP_USE recall for its firmware is open: every check is DENY (stop-use recall open). */
    void step8WhileStopUseRecallOpen(RobotLife life);

    /** Step 8, after SOFTWARE_UPDATED, re-tests and RECALL_REMEDIED: the checks are allowed again. */
    void step8AfterRemedied(RobotLife life);

    /** Step 10, after RECYCLED: the robot can no longer get permissions (DENY, not in service); no bundle either. */
    void step10AfterRecycled(RobotLife life);

    /** geofence-service is not built yet: each place says what it will check, and checks nothing. */
    Geofence NOT_YET = new Geofence() {
        private void later(RobotLife life, String what) {
            life.say("(geofence-service not built yet; here: " + what + ")");
        }

        @Override
        public void step5Zones(RobotLife life) {
            later(life, "prohibited zone DENY, restricted zone with a grant ALLOW, public-space zone ALLOW_WITH_CONDITIONS");
        }

        @Override
        public void step6WhileSuspended(RobotLife life) {
            later(life, "checks DENY within one second with the reason, and the watch stream says so");
        }

        @Override
        public void step6AfterReinstated(RobotLife life) {
            later(life, "checks recover");
        }

        @Override
        public void step7WhileRevalidationPending(RobotLife life) {
            later(life, "checks that need the re-opened tier DENY");
        }

        @Override
        public void step7AfterRevalidated(RobotLife life) {
            later(life, "those checks allowed again");
        }

        @Override
        public void step8WhileStopUseRecallOpen(RobotLife life) {
            later(life, "every check DENY: stop-use recall open");
        }

        @Override
        public void step8AfterRemedied(RobotLife life) {
            later(life, "checks allowed again");
        }

        @Override
        public void step10AfterRecycled(RobotLife life) {
            later(life, "no permissions any more: every check DENY");
        }
    };
}
