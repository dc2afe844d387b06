package io.robotid.kit.id;

import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes, as the JDK knows them. */
public final class Countries {
    private static final Set<String> ALPHA_2 = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2);

    private Countries() {
    }

    /** True for an assigned ISO 3166-1 alpha-2 code (upper-case). */
    public static boolean isAlpha2(String code) {
        return code != null && ALPHA_2.contains(code);
    }
}
