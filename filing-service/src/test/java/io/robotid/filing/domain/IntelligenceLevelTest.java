package io.robotid.filing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One test per level of DESIGN.md section 4, plus the flags that must not change the level. */
class IntelligenceLevelTest {

    private static Capabilities caps(boolean locomotion, boolean contact, boolean decisions, boolean learning) {
        return new Capabilities(locomotion, false, contact, decisions, learning, false, false, false);
    }

    @Test
    void l0TeleoperatedOrScripted() {
        assertThat(IntelligenceLevel.derive(caps(false, false, false, false))).isEqualTo(IntelligenceLevel.L0);
        // Manipulation, cloud models, speech alone do not raise the level.
        assertThat(IntelligenceLevel.derive(new Capabilities(false, true, false, false, false, true, true, true)))
                .isEqualTo(IntelligenceLevel.L0);
    }

    @Test
    void l1AutonomousLocomotionOnly() {
        assertThat(IntelligenceLevel.derive(caps(true, false, false, false))).isEqualTo(IntelligenceLevel.L1);
        // Intended contact without autonomous decisions is still L1 (it is steered).
        assertThat(IntelligenceLevel.derive(caps(true, true, false, false))).isEqualTo(IntelligenceLevel.L1);
    }

    @Test
    void l2AutonomousDecisionsWithoutContactOrLearning() {
        assertThat(IntelligenceLevel.derive(caps(true, false, true, false))).isEqualTo(IntelligenceLevel.L2);
        assertThat(IntelligenceLevel.derive(caps(false, false, true, false))).isEqualTo(IntelligenceLevel.L2);
    }

    @Test
    void l3AutonomousDecisionsWithIntendedContact() {
        assertThat(IntelligenceLevel.derive(caps(true, true, true, false))).isEqualTo(IntelligenceLevel.L3);
    }

    @Test
    void l4LearnsInDeploymentWhateverElse() {
        assertThat(IntelligenceLevel.derive(caps(true, true, true, true))).isEqualTo(IntelligenceLevel.L4);
        assertThat(IntelligenceLevel.derive(caps(false, false, false, true))).isEqualTo(IntelligenceLevel.L4);
    }
}
