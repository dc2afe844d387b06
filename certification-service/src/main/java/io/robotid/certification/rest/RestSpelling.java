package io.robotid.certification.rest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.ProtocolMessageEnum;

import io.robotid.proto.certification.v1.CertificateState;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.ExclusionReason;
import io.robotid.proto.certification.v1.Outcome;
import io.robotid.proto.certification.v1.Requirement;
import io.robotid.proto.certification.v1.SubjectKind;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.filing.v1.IntelligenceLevel;

/**
 * How the REST JSON spells enum values: the proto name without its type's prefix
 * ({@code TIER_PUBLIC_SPACE} is {@code PUBLIC_SPACE}, {@code SUBJECT_KIND_UNIT} is {@code UNIT}).
 * The one place the REST views and the problem details take that spelling from.
 */
final class RestSpelling {
    /** Every proto enum the REST API shows. */
    private static final List<EnumDescriptor> ENUMS = List.of(Tier.getDescriptor(), Outcome.getDescriptor(),
            Environment.getDescriptor(), SubjectKind.getDescriptor(), CertificateState.getDescriptor(),
            Requirement.getDescriptor(), ExclusionReason.getDescriptor(), IntelligenceLevel.getDescriptor());

    /** Proto name to REST name, for every value of {@link #ENUMS} except the *_UNSPECIFIED ones. */
    private static final Map<String, String> REST_NAMES = new HashMap<>();
    private static final Pattern WORD = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

    static {
        for (EnumDescriptor type : ENUMS) {
            for (EnumValueDescriptor value : type.getValues()) {
                if (value.getNumber() != 0) {
                    REST_NAMES.put(value.getName(), strip(value.getName(), type));
                }
            }
        }
    }

    private RestSpelling() {
    }

    /** The REST spelling of a proto enum value, e.g. {@code PUBLIC_SPACE} for {@code TIER_PUBLIC_SPACE}. */
    static <E extends Enum<E> & ProtocolMessageEnum> String of(E value) {
        return strip(value.name(), value.getDescriptorForType());
    }

    /**
     * {@code text} with every proto enum value the REST API shows written as the REST JSON spells
     * it, e.g. "not accredited for tier TIER_PUBLIC_SPACE" becomes "... tier PUBLIC_SPACE".
     */
    static String text(String text) {
        if (text == null || text.indexOf('_') < 0) {
            return text;
        }
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(REST_NAMES.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String strip(String name, EnumDescriptor type) {
        String prefix = prefix(type.getName());
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    /** {@code SubjectKind} to {@code SUBJECT_KIND_}: the proto style guide's value prefix. */
    private static String prefix(String typeName) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < typeName.length(); i++) {
            char c = typeName.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
        }
        return out.append('_').toString();
    }
}
