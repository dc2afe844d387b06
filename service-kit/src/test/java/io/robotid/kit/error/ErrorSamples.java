package io.robotid.kit.error;

/** One domain error of each kind, as services raise them (for tests in other packages). */
public final class ErrorSamples {
    private ErrorSamples() {
    }

    public static DomainException sample(ErrorKind kind) {
        return ErrorTableTest.sample(kind);
    }
}
