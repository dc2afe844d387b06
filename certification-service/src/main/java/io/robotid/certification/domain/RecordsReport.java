package io.robotid.certification.domain;

import java.util.List;

import io.robotid.proto.common.v1.Discrepancy;

/**
 * What a verification of certification records found (VerifyRecords): whether every record checked agrees
 * with its seal and the records it copies, how many were checked, and every difference.
 */
public record RecordsReport(boolean intact, int recordsChecked, List<Discrepancy> discrepancies) {
    public RecordsReport {
        discrepancies = List.copyOf(discrepancies);
    }
}
