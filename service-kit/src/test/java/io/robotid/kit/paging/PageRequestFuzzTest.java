package io.robotid.kit.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;

/**
 * Fuzzes page tokens, which clients can forge (the filter fingerprint is no secret): a token is
 * refused as INVALID_ARGUMENT naming page_token or page_size, or gives a cursor a database text
 * parameter takes. A plain test run replays {@code PageRequestFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class PageRequestFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void anyTokenIsRefusedByNameOrGivesAStorableCursor(FuzzedDataProvider data) {
        int size = data.consumeInt();
        String filters = data.consumeString(40);
        boolean forged = data.consumeBoolean();
        String key = data.consumeRemainingAsString();
        String token = forged ? PageRequest.tokenAfter(key, filters) : key;
        PageRequest page;
        try {
            page = PageRequest.of(size, token, filters);
        } catch (DomainException refused) {
            assertThat(refused.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(refused.violations()).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.field()).isIn("page_size", "page_token"));
            return;
        }
        assertThat(page.size()).isBetween(1, PageRequest.MAX_SIZE);
        if (page.cursor() != null) {
            assertThat(page.cursor()).hasSizeLessThanOrEqualTo(PageRequest.MAX_CURSOR_LENGTH)
                    .doesNotContain("\u0000").isNotEmpty();
            assertThat(page.cursor().chars().noneMatch(Character::isISOControl)).isTrue();
        }
        boolean storable = !key.isEmpty() && key.length() <= PageRequest.MAX_CURSOR_LENGTH
                && key.chars().noneMatch(Character::isISOControl)
                && new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(key);
        if (forged) {
            // a token this list could have returned continues after its key; anything else was refused above
            assertThat(page.cursor()).isEqualTo(storable ? key : null);
        }
    }
}
