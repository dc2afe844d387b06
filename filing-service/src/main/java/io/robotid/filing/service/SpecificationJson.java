package io.robotid.filing.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import io.robotid.proto.filing.v1.ModelSpecification;

/**
 * Stores a revision's specification as canonical proto3 JSON: one document per immutable
 * revision, readable in psql and queryable with {@code specification::jsonb}.
 */
public final class SpecificationJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private SpecificationJson() {
    }

    public static String write(ModelSpecification specification) {
        try {
            return PRINTER.print(specification);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a ModelSpecification always prints as JSON", e);
        }
    }

    public static ModelSpecification read(String json) {
        try {
            ModelSpecification.Builder builder = ModelSpecification.newBuilder();
            PARSER.merge(json, builder);
            return builder.build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored specification is not valid JSON", e);
        }
    }
}
