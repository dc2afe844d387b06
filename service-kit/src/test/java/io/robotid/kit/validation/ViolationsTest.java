package io.robotid.kit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.robotid.kit.error.FieldViolation;

class ViolationsTest {

    @Test
    void robotIdsInAnyFormParseAndBadOnesNameTheRule() {
        Violations v = new Violations();
        assertThat(v.robotId("robot_id", "cn a1b2 c3d4e5 26bj 000000000001 g").canonical())
                .isEqualTo("CNA1B2C3D4E526BJ000000000001G");
        assertThat(v.isEmpty()).isTrue();

        assertThat(v.robotId("robot_id", "CNA1B2C3D4E526BJ000000000001H")).isNull();
        assertThat(v.robotId("robots[1]", "CN12")).isNull();
        assertThat(v.robotId("robots[2]", null)).isNull();
        assertThat(v.list()).containsExactly(
                new FieldViolation("robot_id", "is not a robot ID: the check character should be G"),
                new FieldViolation("robots[1]", "is not a robot ID: must have 29 characters without separators, has 4"),
                new FieldViolation("robots[2]", "is not a robot ID: is empty"));
    }

    @Test
    void uuidsAreRequiredAndNamed() {
        Violations v = new Violations();
        assertThat(v.uuid("zone_id", "0b7e8a52-5b8b-4c2f-9d3e-4a1f2c3d4e5f")).hasToString("0b7e8a52-5b8b-4c2f-9d3e-4a1f2c3d4e5f");
        assertThat(v.uuid("zone_id", "")).isNull();
        assertThat(v.uuid("grant_id", "zone-7")).isNull();
        assertThat(v.list()).containsExactly(new FieldViolation("zone_id", "is required (a UUID)"),
                new FieldViolation("grant_id", "is not a UUID: 'zone-7'"));
    }

    @Test
    void theRequireFormsRefuseAtOnceNamingTheField() {
        assertThat(Violations.requireRobotId("robot_id", "cn a1b2 c3d4e5 26bj 000000000001 g"))
                .isEqualTo("CNA1B2C3D4E526BJ000000000001G");
        io.robotid.kit.error.DomainException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.robotid.kit.error.DomainException.class, () -> Violations.requireRobotId("robot_id", ""));
        assertThat(refused.violations()).containsExactly(new FieldViolation("robot_id", "is not a robot ID: is empty"));
        refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.robotid.kit.error.DomainException.class,
                () -> Violations.requireUuid("zone_id", "x"));
        assertThat(refused.violations()).containsExactly(new FieldViolation("zone_id", "is not a UUID: 'x'"));
    }

    @Test
    void textRulesTrimCountAndRefuseControlCharacters() {
        Violations v = new Violations();
        assertThat(v.requiredText("name", "  Walker  ", 10)).isEqualTo("Walker");
        v.requiredText("empty", "   ", 10);
        v.optionalText("long", "x".repeat(11), 10);
        v.optionalText("control", "a\u0007b", 10);
        v.positiveAtMost("mass", Double.NaN, 10, "kg");
        assertThat(v.list()).extracting(FieldViolation::field).containsExactly("empty", "long", "control", "mass");
    }

    @Test
    void gatherKeepsTheViolationsOfAStrictCheckAndPassesOtherFailuresOn() {
        Violations v = new Violations();
        v.add("zone_id", "is required");
        assertThat(v.gather(() -> io.robotid.kit.paging.PageRequest.of(501, "", "f"))).isNull();
        assertThat(v.gather(() -> "fine")).isEqualTo("fine");
        assertThat(v.list()).extracting(FieldViolation::field).containsExactly("zone_id", "page_size");
        io.robotid.kit.error.DomainException denied = io.robotid.kit.error.DomainException.permissionDenied("NO", "no");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.gather(() -> {
            throw denied;
        })).isSameAs(denied);
    }
}
