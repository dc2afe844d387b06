package io.robotid.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Mod3736Test {

    @Test
    void publishedExamples() {
        assertThat(Mod3736.checkCharacter("A12425GABC1234002")).isEqualTo('M');
        assertThat(Mod3736.checkCharacter("CNA1B2C3D4E526BJ000000000001")).isEqualTo('G');
        assertThat(Mod3736.isValid("A12425GABC1234002M")).isTrue();
        assertThat(Mod3736.isValid("CNA1B2C3D4E526BJ000000000001G")).isTrue();
    }

    @Test
    void everySingleCharacterSubstitutionIsDetected() {
        String valid = "CNA1B2C3D4E526BJ000000000001G";
        for (int position = 0; position < valid.length(); position++) {
            for (char c : Mod3736.ALPHABET.toCharArray()) {
                if (c == valid.charAt(position)) {
                    continue;
                }
                String changed = valid.substring(0, position) + c + valid.substring(position + 1);
                assertThat(Mod3736.isValid(changed)).as(changed).isFalse();
            }
        }
    }

    /**
     * MOD 37,36 does not catch every adjacent transposition; this measures how many it catches over
     * random IDs and prints the figure (stated in docs/identity.md): 99.86 % over 3,000 IDs.
     */
    @Test
    void adjacentTranspositionsCaughtAreMeasured() {
        java.util.Random random = new java.util.Random(1);
        int transpositions = 0;
        int caught = 0;
        for (int n = 0; n < 3000; n++) {
            String valid = randomValidId(random);
            for (int i = 0; i + 1 < valid.length(); i++) {
                if (valid.charAt(i) == valid.charAt(i + 1)) {
                    continue;
                }
                String swapped = valid.substring(0, i) + valid.charAt(i + 1) + valid.charAt(i) + valid.substring(i + 2);
                transpositions++;
                if (!Mod3736.isValid(swapped)) {
                    caught++;
                }
            }
        }
        double rate = 100.0 * caught / transpositions;
        System.out.printf("MOD 37,36: %d of %d adjacent transpositions caught (%.2f %%)%n", caught, transpositions, rate);
        assertThat(rate).isGreaterThan(99.5);
    }

    @Test
    void everySingleSubstitutionIsCaughtOnRandomIds() {
        java.util.Random random = new java.util.Random(2);
        for (int n = 0; n < 300; n++) {
            String valid = randomValidId(random);
            for (int position = 0; position < valid.length(); position++) {
                for (char c : Mod3736.ALPHABET.toCharArray()) {
                    if (c != valid.charAt(position)) {
                        String changed = valid.substring(0, position) + c + valid.substring(position + 1);
                        assertThat(Mod3736.isValid(changed)).as(changed).isFalse();
                    }
                }
            }
        }
    }

    private static String randomValidId(java.util.Random random) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 28; i++) {
            body.append(Mod3736.ALPHABET.charAt(random.nextInt(36)));
        }
        return body.toString() + Mod3736.checkCharacter(body);
    }

    @Test
    void checkCharacterMakesEveryBodyValid() {
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 2000; n++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 28; i++) {
                body.append(Mod3736.ALPHABET.charAt(random.nextInt(36)));
            }
            assertThat(Mod3736.isValid(body.toString() + Mod3736.checkCharacter(body))).isTrue();
        }
    }

    @Test
    void refusesCharactersOutsideTheAlphabet() {
        assertThatThrownBy(() -> Mod3736.checkCharacter("AB-C")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 3");
        assertThat(Mod3736.isValid("cna1")).isFalse();
    }
}
