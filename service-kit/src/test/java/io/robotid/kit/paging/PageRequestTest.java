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
}
