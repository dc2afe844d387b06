package io.robotid.filing.domain;

/**
 * Autonomy level, derived from the capability profile and never typed in, so it cannot be
 * inflated or played down (DESIGN.md section 4). Higher levels carry more obligations.
 */
public enum IntelligenceLevel {
    /** No autonomous locomotion and no autonomous task decisions: teleoperated or scripted. */
    L0,
    /** Autonomous locomotion, no autonomous task decisions. */
    L1,
    /** Autonomous task decisions, no intended physical contact, no learning in deployment. */
    L2,
    /** Autonomous task decisions with intended physical contact with people. */
    L3,
    /** Learns in deployment. */
    L4;

    /**
     * The highest level whose defining capability the profile has: learning in deployment makes
     * L4 whatever else is set; then autonomous decisions with intended contact L3; autonomous
     * decisions L2; autonomous locomotion alone L1; otherwise L0.
     */
    public static IntelligenceLevel derive(Capabilities capabilities) {
        if (capabilities.learningInDeployment()) {
            return L4;
        }
        if (capabilities.autonomousTaskDecisions()) {
            return capabilities.intendedPhysicalContact() ? L3 : L2;
        }
        return capabilities.autonomousLocomotion() ? L1 : L0;
    }
}
