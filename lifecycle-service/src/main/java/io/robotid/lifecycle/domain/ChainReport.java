package io.robotid.lifecycle.domain;

import java.util.List;

import io.robotid.proto.common.v1.Discrepancy;

/**
 * What a verification of one robot's chain found (VerifyChain): whether the chain and everything derived from
 * it agree, how many events were checked, the first sequence that does not match (0 if the chain itself is
 * intact), every difference, and the verified head's hash.
 */
public record ChainReport(boolean intact, long eventsChecked, long firstBrokenSequence, List<Discrepancy> discrepancies,
        String headHash) {
    public ChainReport {
        discrepancies = List.copyOf(discrepancies);
    }
}
