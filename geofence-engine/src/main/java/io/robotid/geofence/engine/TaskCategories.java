package io.robotid.geofence.engine;

import java.util.Locale;
import java.util.Set;

/**
 * Task categories: 1..64 characters of a-z, 0-9, '_', '-', '.', any case on input, compared in lower
 * case (as in certification-service). A task category is a PHYSICAL_INTERACTION task when it is
 * {@code physical_interaction} or starts with {@code physical_interaction.}.
 */
public final class TaskCategories {

    public static final int MAX_LENGTH = 64;
    public static final String PHYSICAL_INTERACTION = "physical_interaction";

    private TaskCategories() {
    }

    public static String normalize(String task) {
        return task == null ? null : task.toLowerCase(Locale.ROOT);
    }

    static Set<String> normalizedSet(Set<String> tasks) {
        if (tasks == null || tasks.isEmpty()) {
            return Set.of();
        }
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (String t : tasks) {
            out.add(normalize(java.util.Objects.requireNonNull(t, "task category")));
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** Null when the (normalised) category is well-formed, else what is wrong with it. */
    public static String problem(String task) {
        if (task == null || task.isEmpty()) {
            return "must not be empty";
        }
        if (task.length() > MAX_LENGTH) {
            return "is " + task.length() + " characters long; at most " + MAX_LENGTH + " are allowed";
        }
        for (int i = 0; i < task.length(); i++) {
            char c = task.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                return "'" + task + "' has a character other than a-z, 0-9, '_', '-', '.' at position " + (i + 1);
            }
        }
        return null;
    }

    public static boolean isPhysicalInteraction(String task) {
        return task.equals(PHYSICAL_INTERACTION)
                || task.startsWith(PHYSICAL_INTERACTION) && task.length() > PHYSICAL_INTERACTION.length()
                        && task.charAt(PHYSICAL_INTERACTION.length()) == '.';
    }
}
