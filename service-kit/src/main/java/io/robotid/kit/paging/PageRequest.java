package io.robotid.kit.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import io.robotid.kit.error.DomainException;

import io.robotid.kit.validation.Violations;

/**
 * A validated page request: page size (0 means the default; over the maximum is refused) and the
 * keyset cursor decoded from an opaque page token. Tokens are bound to the query's filters, so a
 * token replayed with other filters is refused instead of returning a wrong page.
 *
 * @param size   rows to return
 * @param cursor the last key of the previous page, or null for the first page
 */
public record PageRequest(int size, String cursor) {
    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 500;
    /** Longer than any key a list returns (robot IDs, codes, sequence numbers, timestamps). */
    public static final int MAX_CURSOR_LENGTH = 256;

    /**
     * @param filters a stable rendering of the query's filters (e.g. {@code "country=CN"})
     */
    public static PageRequest of(int pageSize, String pageToken, String filters) {
        Violations violations = new Violations();
        if (pageSize < 0) {
            violations.add("page_size", "must not be negative");
        } else if (pageSize > MAX_SIZE) {
            violations.add("page_size", "must be at most " + MAX_SIZE);
        }
        String cursor = null;
        if (pageToken != null && !pageToken.isEmpty()) {
            cursor = decode(pageToken, filters);
            if (cursor == null) {
                violations.add("page_token", "is not a token this list returned for these filters");
            }
        }
        violations.throwIfAny();
        return new PageRequest(pageSize == 0 ? DEFAULT_SIZE : pageSize, cursor);
    }

    /** The token that continues after {@code lastKey} under the same filters. */
    public static String tokenAfter(String lastKey, String filters) {
        String raw = fingerprint(filters) + ":" + lastKey;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token, String filters) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            if (colon < 0 || !raw.substring(0, colon).equals(fingerprint(filters))) {
                return null;
            }
            String key = raw.substring(colon + 1);
            // the fingerprint is not a secret, so a token can be forged: keep its key to what a
            // database text parameter takes (no NUL or other control character) and short
            boolean storable = key.length() <= MAX_CURSOR_LENGTH && key.chars().noneMatch(Character::isISOControl);
            return key.isEmpty() || !storable ? null : key;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String fingerprint(String filters) {
        return Integer.toHexString((filters == null ? "" : filters).hashCode());
    }

    /** The cursor of a list keyed by UUID (null on the first page); a forged token that holds anything else is refused. */
    public UUID uuidCursor() {
        try {
            return cursor == null ? null : UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw notATokenOfThisList();
        }
    }

    /** The cursor of a list keyed by a number (null on the first page); a forged token that holds anything else is refused. */
    public Long longCursor() {
        try {
            return cursor == null ? null : Long.valueOf(cursor);
        } catch (NumberFormatException e) {
            throw notATokenOfThisList();
        }
    }

    private static DomainException notATokenOfThisList() {
        return DomainException.invalidArgument("page_token", "is not a token this list returned for these filters");
    }

    /** Fetch one more row than the page holds, to know whether a next page exists. */
    public int fetchSize() {
        return size + 1;
    }

    public boolean isFirst() {
        return cursor == null;
    }
}
