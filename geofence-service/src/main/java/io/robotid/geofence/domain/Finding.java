package io.robotid.geofence.domain;

/** A stored value that does not check out: table, the row's key, the column (empty: the row), what is wrong. */
public record Finding(String table, String key, String column, String problem) {
    @Override
    public String toString() {
        return table + " " + key + (column.isEmpty() ? "" : " " + column) + ": " + problem;
    }
}
