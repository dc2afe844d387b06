package io.robotid.kit.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RobotIdTest {

    @Test
    void acceptsAnyCaseSpacesAndHyphens() {
        for (String input : new String[] { "CNA1B2C3D4E526BJ000000000001G", "cn a1b2 c3d4e5 26bj 000000000001 g",
                "CN-A1B2-C3D4E5-26BJ-000000000001-G", " CN A1B2 C3D4E5 26 BJ 000000000001 G " }) {
            RobotId.Parsed parsed = RobotId.parse(input);
            assertThat(parsed).as(input).isInstanceOf(RobotId.Valid.class);
            assertThat(parsed.normalized()).isEqualTo("CNA1B2C3D4E526BJ000000000001G");
        }
    }

    @Test
    void exposesItsParts() {
        RobotId id = RobotId.of("CNA1B2C3D4E526BJ000000000001G");
        assertThat(id.origin()).isEqualTo("CN");
        assertThat(id.manufacturerCode()).isEqualTo("A1B2");
        assertThat(id.modelCode()).isEqualTo("C3D4E5");
        assertThat(id.productionYear()).isEqualTo(26);
        assertThat(id.siteCode()).isEqualTo("BJ");
        assertThat(id.sequence()).isEqualTo(1);
        assertThat(id.checkCharacter()).isEqualTo('G');
        assertThat(id.unitSerial()).hasSize(17);
        assertThat(id.displayForm()).isEqualTo("CN A1B2 C3D4E5 26BJ 000000000001 G");
    }

    @Test
    void composeComputesTheCheckCharacter() {
        RobotId id = RobotId.compose("CN", "A1B2", "C3D4E5", 26, "BJ", 1);
        assertThat(id.canonical()).isEqualTo("CNA1B2C3D4E526BJ000000000001G");
        assertThatThrownBy(() -> RobotId.compose("CN", "A1B2", "C3D4E5", 26, "BJ", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badCheckCharacterIsToldApartFromMalformed() {
        RobotId.Parsed parsed = RobotId.parse("CNA1B2C3D4E526BJ000000000001H");
        assertThat(parsed).isInstanceOf(RobotId.BadCheckCharacter.class);
        assertThat(((RobotId.BadCheckCharacter) parsed).expected()).isEqualTo('G');
    }

    @Test
    void malformedSaysWhichRuleBroke() {
        assertThat(reason("")).isEqualTo("is empty");
        assertThat(reason("CNA1B2")).contains("29 characters");
        assertThat(reason("1NA1B2C3D4E526BJ000000000001G")).contains("character 1").contains("letter");
        assertThat(reason("CNA1B2C3D4E5X6BJ000000000001G")).contains("character 13").contains("digit");
        assertThat(reason("CNA1O2C3D4E526BJ000000000001G")).contains("character 5").contains("did you mean 0");
        assertThat(reason("CNA1B2C3D4E526BJ000000000000G")).contains("starts at 000000000001");
        assertThat(reason("CNA1B2C3D4E526BJ00000000000!G")).contains("character 28");
    }

    @Test
    void aZeroSequenceNamesTheOneCharacterFixWhenOnlyOneExists() {
        // Issued ...SH000000000008N typed with its 8 as 0: no other single change gives a valid ID.
        assertThat(RobotId.oneCharacterAway("CNA1B2C3D4E526SH000000000000N"))
                .containsExactly("CNA1B2C3D4E526SH000000000008N");
        assertThat(reason("CNA1B2C3D4E526SH000000000000N")).startsWith("the sequence starts at 000000000001")
                .endsWith("(did you mean CNA1B2C3D4E526SH000000000008N?)");
        assertThat(reason("cn a1b2 c3d4e5 26sh 000000000000 n")).contains("did you mean CNA1B2C3D4E526SH000000000008N?");
        assertThatThrownBy(() -> RobotId.of("CNA1B2C3D4E526SH000000000000N"))
                .hasMessageContaining("did you mean CNA1B2C3D4E526SH000000000008N?");
    }

    @Test
    void aZeroSequenceWithSeveralPossibleFixesGuessesNone() {
        // ...BJ000000000001G typed as ...BJ000000000000G: four IDs are one character away, so none is named.
        assertThat(RobotId.oneCharacterAway("CNA1B2C3D4E526BJ000000000000G")).containsExactly(
                "CNA1B2C3D4E526BJ030000000000G", "CNA1B2C3D4E526BJ006000000000G", "CNA1B2C3D4E526BJ000000070000G",
                "CNA1B2C3D4E526BJ000000000001G");
        assertThat(reason("CNA1B2C3D4E526BJ000000000000G")).isEqualTo("the sequence starts at 000000000001");
    }

    @Test
    void oneCharacterAwayListsOnlyValidIdsAtOneSubstitution() {
        String id = "CNA1B2C3D4E526BJ000000000001G";
        assertThat(RobotId.oneCharacterAway(id)).isEmpty(); // MOD 37,36 catches every single substitution
        String typo = id.substring(0, 27) + "2" + id.charAt(28);
        List<String> fixes = RobotId.oneCharacterAway(typo);
        assertThat(fixes).contains(id).allSatisfy(fix -> {
            assertThat(RobotId.parse(fix)).isInstanceOf(RobotId.Valid.class);
            assertThat(IntStream.range(0, RobotId.LENGTH).filter(i -> fix.charAt(i) != typo.charAt(i)).count()).isOne();
        });
        assertThat(RobotId.oneCharacterAway("CNA1B2")).isEmpty();
        assertThat(RobotId.oneCharacterAway(null)).isEmpty();
    }

    @Test
    void lookAlikeLettersAreNotUpperCasedIntoAnId() {
        // String.toUpperCase turns the long s into S and the dotless i into I (found by RobotIdFuzzTest)
        assertThat(RobotId.parse("USA1B2C3D4E526BJ000000000001F")).isInstanceOf(RobotId.Valid.class);
        assertThat(reason("u\u017fa1b2c3d4e526bj000000000001f")).contains("character 2").contains("letter");
        assertThat(RobotId.parse("ITA1B2C3D4E526BJ000000000001" + Mod3736.checkCharacter("ITA1B2C3D4E526BJ000000000001")))
                .isInstanceOf(RobotId.Valid.class);
        assertThat(reason("\u0131TA1B2C3D4E526BJ000000000001" + Mod3736.checkCharacter("ITA1B2C3D4E526BJ000000000001")))
                .contains("character 1");
        assertThat(RegistryCodes.normalize(" a1b2 ")).isEqualTo("A1B2");
        assertThat(RegistryCodes.normalize("\u017f1b2")).isEqualTo("\u017f1B2");
    }

    private static String reason(String input) {
        RobotId.Parsed parsed = RobotId.parse(input);
        assertThat(parsed).as(input).isInstanceOf(RobotId.Malformed.class);
        return ((RobotId.Malformed) parsed).reason();
    }
}
