package io.robotid.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes robot ID parsing and check-character verification. A plain test run replays the inputs in
 * {@code RobotIdFuzzTestInputs/}; {@code JAZZER_FUZZ=1} explores new ones (docs/testing.md, "Fuzzing").
 */
class RobotIdFuzzTest {

    /** Any text: parsing never throws, and only canonical ASCII IDs with a right check character pass. */
    @FuzzTest(maxDuration = "5m")
    void anyTextParsesToAVerdict(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        RobotId.Parsed parsed = RobotId.parse(input);
        if (parsed instanceof RobotId.Valid valid) {
            RobotId id = valid.id();
            String canonical = id.canonical();
            assertThat(canonical).hasSize(RobotId.LENGTH).matches("[A-Z]{2}[0-9A-HJ-NP-Z]{10}[0-9]{2}[0-9A-HJ-NP-Z]{2}[0-9]{12}[0-9A-Z]");
            assertThat(Mod3736.isValid(canonical)).isTrue();
            // what was presented is the ID itself, only with ASCII case and separators changed
            assertThat(input.replaceAll("[ \\t-]", "")).isEqualToIgnoringCase(canonical)
                    .matches("[\\x21-\\x7e]*");
            assertThat(RobotId.parse(id.displayForm())).isEqualTo(valid);
            assertThat(RobotId.compose(id.origin(), id.manufacturerCode(), id.modelCode(), id.productionYear(),
                    id.siteCode(), id.sequence())).isEqualTo(id);
        } else if (parsed instanceof RobotId.Malformed malformed) {
            assertThat(malformed.reason()).isNotBlank();
            assertThatThrownBy(() -> RobotId.of(input)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a robot ID: " + malformed.reason());
        } else {
            RobotId.BadCheckCharacter bad = (RobotId.BadCheckCharacter) parsed;
            String corrected = bad.normalized().substring(0, RobotId.LENGTH - 1) + bad.expected();
            assertThat(RobotId.parse(corrected)).isInstanceOf(RobotId.Valid.class);
            assertThatThrownBy(() -> RobotId.of(input)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("check character should be " + bad.expected());
        }
    }

    /**
     * A real ID with one character replaced or two neighbours swapped is never accepted: MOD 37,36
     * catches every single substitution and adjacent transposition.
     */
    @FuzzTest(maxDuration = "5m")
    void aMistypedIdIsNeverAccepted(FuzzedDataProvider data) {
        RobotId id = RobotId.compose(pick(data, "CNDEUSJPKRFR"), code(data, 4), code(data, 6), data.consumeInt(0, 99),
                code(data, 2), data.consumeLong(1, RobotId.MAX_SEQUENCE));
        char[] chars = id.canonical().toCharArray();
        int at = data.consumeInt(0, RobotId.LENGTH - 1);
        if (data.consumeBoolean() && at < RobotId.LENGTH - 1) {
            char swapped = chars[at];
            chars[at] = chars[at + 1];
            chars[at + 1] = swapped;
        } else {
            chars[at] = Mod3736.ALPHABET.charAt(data.consumeInt(0, Mod3736.ALPHABET.length() - 1));
        }
        String typed = new String(chars);
        if (!typed.equals(id.canonical())) {
            assertThat(RobotId.parse(typed)).isNotInstanceOf(RobotId.Valid.class);
        }
    }

    private static String pick(FuzzedDataProvider data, String pairs) {
        int i = data.consumeInt(0, pairs.length() / 2 - 1) * 2;
        return pairs.substring(i, i + 2);
    }

    private static String code(FuzzedDataProvider data, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(RegistryCodes.ALPHABET.charAt(data.consumeInt(0, RegistryCodes.ALPHABET.length() - 1)));
        }
        return out.toString();
    }
}
