package io.robotid.system.support;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: what is left of its identifiers once strings, label
 * matchers, ranges, grouping clauses, functions and keywords are taken out. Enough for the queries of
 * the chart's dashboard and alerts, so a test can check each name against a real scrape.
 */
public final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    public static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // grouping labels
                .replaceAll("\\$\\w+", " "); // dashboard variables
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String word = m.group();
            int after = m.end();
            while (after < e.length() && e.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < e.length() && e.charAt(after) == '(';
            boolean numberPart = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!function && !numberPart && !KEYWORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }
}
