package io.robotid.evidence.tlog;

/** Input that is not the format it claims to be; the message names the part and the rule. */
public class MalformedEvidence extends IllegalArgumentException {
    public MalformedEvidence(String message) {
        super(message);
    }
}
