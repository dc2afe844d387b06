package io.robotid.kit.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.robotid.kit.error.DomainException;

class PageRequestTest {

    @Test
    void defaultsAndLimits() {
        assertThat(PageRequest.of(0, "", "f").size()).isEqualTo(PageRequest.DEFAULT_SIZE);
        assertThat(PageRequest.of(500, "", "f").size()).isEqualTo(500);
        assertThatThrownBy(() -> PageRequest.of(501, "", "f")).isInstanceOf(DomainException.class)
                .hasMessageContaining("page_size");
        assertThatThrownBy(() -> PageRequest.of(-1, "", "f")).isInstanceOf(DomainException.class)
                .hasMessageContaining("page_size");
    }

    @Test
    void tokenRoundTripsUnderTheSameFiltersOnly() {
        String token = PageRequest.tokenAfter("A1B2", "country=CN");
        assertThat(PageRequest.of(10, token, "country=CN").cursor()).isEqualTo("A1B2");
        assertThatThrownBy(() -> PageRequest.of(10, token, "country=DE")).isInstanceOf(DomainException.class)
                .hasMessageContaining("page_token");
        assertThatThrownBy(() -> PageRequest.of(10, "%%%not-base64", "country=CN"))
                .isInstanceOf(DomainException.class).hasMessageContaining("page_token");
    }

    @Test
    void forgedTokensAreRefusedBeforeTheyReachTheDatabase() {
        // the fingerprint is no secret: anyone can build a token for any key
        for (String key : new String[] { "a\u0000b", "x\u001b[31m", "K".repeat(PageRequest.MAX_CURSOR_LENGTH + 1) }) {
            String forged = PageRequest.tokenAfter(key, "f");
            assertThatThrownBy(() -> PageRequest.of(10, forged, "f")).isInstanceOf(DomainException.class)
                    .hasMessageContaining("page_token");
        }
        java.util.UUID id = java.util.UUID.randomUUID();
        assertThat(PageRequest.of(10, PageRequest.tokenAfter(id.toString(), "f"), "f").uuidCursor()).isEqualTo(id);
        assertThat(PageRequest.of(10, "", "f").uuidCursor()).isNull();
        PageRequest notAUuid = PageRequest.of(10, PageRequest.tokenAfter("not-a-uuid", "f"), "f");
        assertThatThrownBy(notAUuid::uuidCursor).isInstanceOf(DomainException.class).hasMessageContaining("page_token");
        assertThat(PageRequest.of(10, PageRequest.tokenAfter("42", "f"), "f").longCursor()).isEqualTo(42L);
        assertThat(PageRequest.of(10, "", "f").longCursor()).isNull();
        assertThatThrownBy(notAUuid::longCursor).isInstanceOf(DomainException.class).hasMessageContaining("page_token");
    }
}
