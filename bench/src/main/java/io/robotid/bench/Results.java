package io.robotid.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Properties;

/**
 * The figures of one hot-path run, one {@code key=value} line each in {@code results.properties}: written
 * as they are measured (by bench/hotpaths.sh and by {@link HotPathsBenchmark}), so that a run that fails
 * half-way keeps what it measured, and read by the summary. A later line with the same key wins.
 */
final class Results {
    private final Path file;
    private final Properties values = new Properties();

    Results(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(r);
            }
        }
    }

    synchronized void put(String key, Object value) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
        text = text.replace("\\", "/").replace("\n", " ");
        values.setProperty(key, text);
        try {
            Files.writeString(file, key + "=" + text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String get(String key) {
        return values.getProperty(key);
    }

    String get(String key, String otherwise) {
        return values.getProperty(key, otherwise);
    }

    /** The number, or NaN when absent or not a number. */
    double number(String key) {
        String v = values.getProperty(key);
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}
