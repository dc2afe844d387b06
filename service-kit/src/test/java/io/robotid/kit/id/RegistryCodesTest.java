package io.robotid.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RegistryCodesTest {

    @Test
    void encodesCountersAsFixedLengthCodesWithoutIOrO() {
        assertThat(RegistryCodes.encode(1, 4)).isEqualTo("0001");
        assertThat(RegistryCodes.encode(34, 2)).isEqualTo("10");
        assertThat(RegistryCodes.encode(33, 2)).isEqualTo("0Z");
        Set<String> seen = new HashSet<>();
        for (long n = 1; n < RegistryCodes.capacity(2); n++) {
            String code = RegistryCodes.encode(n, 2);
            assertThat(code).hasSize(2).doesNotContain("I").doesNotContain("O");
            assertThat(RegistryCodes.isWellFormed(code, 2)).isTrue();
            assertThat(seen.add(code)).as("unique " + code).isTrue();
        }
    }

    @Test
    void refusesWhenTheCodeSpaceIsExhausted() {
        assertThatThrownBy(() -> RegistryCodes.encode(RegistryCodes.capacity(2), 2))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RegistryCodes.encode(0, 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wellFormedMeansRightLengthAndAlphabet() {
        assertThat(RegistryCodes.isWellFormed("A1B2", 4)).isTrue();
        assertThat(RegistryCodes.isWellFormed("A1B", 4)).isFalse();
        assertThat(RegistryCodes.isWellFormed("AOB2", 4)).isFalse();
        assertThat(RegistryCodes.isWellFormed("a1b2", 4)).isFalse();
        assertThat(RegistryCodes.normalize(" a1b2 ")).isEqualTo("A1B2");
    }
}
