package io.robotid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/** The layering rules made to fail by deliberate violations (fixture.layering.bad), and to pass on clean code. */
class LayeringTest {
    private static final Set<String> SERVICES = Set.of("fixture.layering.bad", "fixture.layering.good",
            "fixture.layering.other");

    private static JavaClasses fixture(String base) {
        return new ClassFileImporter().importPackages(base);
    }

    @Test
    void everyRuleCatchesItsViolation() {
        assertThatThrownBy(() -> Layering.check(fixture("fixture.layering.bad"), "fixture.layering.bad", SERVICES, Set.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Decisions") // wire message below grpc/
                .hasMessageContaining("proto request and response types stay in grpc/")
                .hasMessageContaining("gRPC adapters call domain services")
                .hasMessageContaining("services meet only through proto")
                .hasMessageContaining("SQL lives in repository/");
    }

    @Test
    void cleanLayersPass() {
        Layering.check(fixture("fixture.layering.good"), "fixture.layering.good", SERVICES, Set.of());
    }

    @Test
    void aListedClassIsExemptFromTheWireRuleOnlyWhileItStillBreaksIt() {
        assertThatThrownBy(() -> Layering.check(fixture("fixture.layering.bad"), "fixture.layering.bad", SERVICES,
                Set.of("fixture.layering.bad.service.Decisions")))
                .hasMessageNotContaining("proto request and response types stay in grpc/")
                .hasMessageContaining("SQL lives in repository/");
        assertThatThrownBy(() -> Layering.check(fixture("fixture.layering.good"), "fixture.layering.good", SERVICES,
                Set.of("fixture.layering.good.service.Decisions")))
                .hasMessageContaining("no longer uses wire messages below grpc/");
    }

    @Test
    void theServicesAreTheFive() {
        assertThat(Layering.SERVICES).hasSize(5);
    }
}
