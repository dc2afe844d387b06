package io.robotid.kit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.grpc.Status;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;

/** A peer's refusal told in this service's words, with the peer's name in the reason. */
class PeerCallsTest {

    private static Throwable translate(Status status) {
        return PeerCalls.translate(status.asRuntimeException(), "filing", "model", "000001", "nothing was recorded");
    }

    @Test
    void notFoundIsThisResourceNotFound() {
        DomainException e = (DomainException) translate(Status.NOT_FOUND);
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.resourceType()).isEqualTo("model");
        assertThat(e.resourceName()).isEqualTo("000001");
    }

    @ParameterizedTest
    @EnumSource(value = Status.Code.class, names = { "UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED" })
    void anUnreachableOrSlowPeerIsUnavailableNamingItAndTheConsequence(Status.Code code) {
        DomainException e = (DomainException) translate(Status.fromCode(code));
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.reason()).isEqualTo("FILING_UNAVAILABLE");
        assertThat(e.getMessage()).contains("filing-service", "model 000001", code.name(), "nothing was recorded", "retry");
    }

    @Test
    void refusalsKeepTheirMeaning() {
        DomainException denied = (DomainException) translate(Status.PERMISSION_DENIED);
        assertThat(denied.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(denied.reason()).isEqualTo("FILING_REFUSED");
        assertThat(((DomainException) translate(Status.UNAUTHENTICATED)).kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
    }

    @Test
    void anythingElseGoesOnAsItCame() {
        Throwable internal = Status.INTERNAL.asRuntimeException();
        assertThat(PeerCalls.translate(internal, "identity", "robot", "X", "retry")).isSameAs(internal);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThat(PeerCalls.translate(bug, "identity", "robot", "X", "retry")).isSameAs(bug);
    }
}
