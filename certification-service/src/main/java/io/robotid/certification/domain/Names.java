package io.robotid.certification.domain;

import java.util.Locale;

/** Enum names as REST clients write them: short ({@code PASS}) or as in the proto ({@code OUTCOME_PASS}), any case. */
final class Names {
    private Names() {
    }

    static String strip(String text, String prefix) {
        if (text == null) {
            return "";
        }
        String upper = text.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith(prefix) ? upper.substring(prefix.length()) : upper;
    }
}
