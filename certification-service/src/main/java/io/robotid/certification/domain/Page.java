package io.robotid.certification.domain;

import java.util.List;

/**
 * One page of a listing, oldest first.
 *
 * @param nextPageToken the token of the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
    }
}
