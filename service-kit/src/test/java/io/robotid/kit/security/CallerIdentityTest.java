package io.robotid.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;

class CallerIdentityTest {

    private final CallerIdentity maker = new CallerIdentity("erp-a1b2", Set.of(Role.MANUFACTURER),
            Map.of(OrganisationClaim.MANUFACTURER_CODE, "A1B2"));

    @Test
    void manufacturerActsForItselfOnly() {
        maker.requireManufacturer("A1B2");
        maker.requireManufacturer("a1b2");
        assertThatThrownBy(() -> maker.requireManufacturer("Z9Y8"))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.reason()).isEqualTo("NOT_CALLERS_MANUFACTURER");
                });
    }

    @Test
    void organisationClaimWithoutTheRoleGivesNothing() {
        CallerIdentity operator = new CallerIdentity("op", Set.of(Role.OPERATOR),
                Map.of(OrganisationClaim.MANUFACTURER_CODE, "A1B2"));
        assertThat(operator.actsForManufacturer("A1B2")).isFalse();
        assertThatThrownBy(() -> operator.requireAnyRole(Role.REGULATOR)).isInstanceOf(DomainException.class);
    }

    @Test
    void auditFieldsNameRoleAndOrganisation() {
        assertThat(maker.auditRole()).isEqualTo("MANUFACTURER");
        assertThat(maker.auditOrganisation()).isEqualTo("manufacturer_code:A1B2");
        assertThat(CallerIdentity.ANONYMOUS.auditRole()).isEmpty();
    }
}
