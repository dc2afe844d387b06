package io.robotid.certification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The tightest-condition combination, rule by rule. */
class ConditionsTest {

    static Conditions of(Double speed, Double payload, Environment environment, boolean people, Set<String> tasks) {
        return new Conditions(speed, payload, environment, people, tasks);
    }

    @Test
    void theLowestSpeedAndPayloadWinAndAbsentLimitsDoNotCount() {
        Conditions c = Conditions.tightest(List.of(of(2.0, null, Environment.INDOOR_AND_OUTDOOR, true, null),
                of(1.2, 15.0, Environment.INDOOR_AND_OUTDOOR, true, null),
                of(null, 8.0, Environment.INDOOR_AND_OUTDOOR, true, null)));
        assertThat(c.maxSpeedMPerS()).isEqualTo(1.2);
        assertThat(c.maxPayloadKg()).isEqualTo(8.0);
    }

    @Test
    void indoorOnlyBeatsOutdoorAndPeopleNearbyNotAllowedBeatsAllowed() {
        Conditions c = Conditions.tightest(List.of(of(null, null, Environment.INDOOR_AND_OUTDOOR, true, null),
                of(null, null, Environment.INDOOR_ONLY, false, null)));
        assertThat(c.environment()).isEqualTo(Environment.INDOOR_ONLY);
        assertThat(c.peopleNearbyAllowed()).isFalse();
        Conditions open = Conditions.tightest(List.of(Conditions.UNRESTRICTED, Conditions.UNRESTRICTED));
        assertThat(open.environment()).isEqualTo(Environment.INDOOR_AND_OUTDOOR);
        assertThat(open.peopleNearbyAllowed()).isTrue();
    }

    @Test
    void taskCategoriesIntersectAndACertificateWithoutCategoriesAllowsAny() {
        Conditions c = Conditions.tightest(List.of(of(null, null, Environment.INDOOR_ONLY, true, Set.of("a", "b", "c")),
                Conditions.UNRESTRICTED, of(null, null, Environment.INDOOR_ONLY, true, Set.of("b", "c", "d"))));
        assertThat(c.taskCategories()).containsExactly("b", "c");
        assertThat(c.noTaskCategoryAllowed()).isFalse();

        Conditions none = Conditions.tightest(List.of(of(null, null, Environment.INDOOR_ONLY, true, Set.of("a")),
                of(null, null, Environment.INDOOR_ONLY, true, Set.of("b"))));
        assertThat(none.taskCategories()).isEmpty();
        assertThat(none.noTaskCategoryAllowed()).isTrue();

        assertThat(Conditions.tightest(List.of(Conditions.UNRESTRICTED)).taskCategories()).isNull();
    }

    @Test
    void nothingToCombineIsNoAnswer() {
        assertThat(Conditions.tightest(List.of())).isNull();
    }

    @Test
    void combiningOneGivesItBack() {
        Conditions one = of(1.0, 2.0, Environment.INDOOR_ONLY, false, Set.of("x"));
        assertThat(Conditions.tightest(List.of(one))).isEqualTo(one);
    }
}
