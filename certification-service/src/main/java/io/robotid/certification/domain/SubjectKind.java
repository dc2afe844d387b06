package io.robotid.certification.domain;

/** A test or certificate is about every unit of a model, or about one unit. */
public enum SubjectKind {
    MODEL(io.robotid.proto.certification.v1.SubjectKind.SUBJECT_KIND_MODEL),
    UNIT(io.robotid.proto.certification.v1.SubjectKind.SUBJECT_KIND_UNIT);

    private final io.robotid.proto.certification.v1.SubjectKind proto;

    SubjectKind(io.robotid.proto.certification.v1.SubjectKind proto) {
        this.proto = proto;
    }

    public io.robotid.proto.certification.v1.SubjectKind proto() {
        return proto;
    }
}
