package io.robotid.system.life;

/**
 * The geofence-service part of a robot's life (issue 8 steps 5, 6, 7, 8 and 10; DESIGN.md sections 4 and
 * 6), called by {@link RobotLife} at the marked places ({@code // geofence: step ...}). The implementation
 * over geofence-service's gRPC API is {@link GeofenceSteps}, used by both the system test and the demo;
 * every method checks its outcome and throws an AssertionError when it is not what DESIGN.md says.
 */
public interface Geofence {

    /**
     * Step 5, after deployment: a zone authority sets a PROHIBITED zone, a RESTRICTED zone with a grant
     * for this robot, and a CONDITIONAL public-space zone; the robot's checks come out DENY, ALLOW and
     * ALLOW_WITH_CONDITIONS (the zone's speed limit; section 6's tiers present), with signed receipts.
     */
    void step5Zones(RobotLife life);

    /** Step 6, before the suspension is recorded: the robot opens its watch stream. */
    void step6BeforeSuspended(RobotLife life);

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

    /** Step 10, after RECYCLED: the robot can no longer get permissions (DENY, not in service), online or offline. */
    void step10AfterRecycled(RobotLife life);
}
