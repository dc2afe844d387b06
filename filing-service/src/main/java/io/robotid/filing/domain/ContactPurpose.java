package io.robotid.filing.domain;

public enum ContactPurpose {
    PUBLIC, REGULATORY, EMERGENCY, AFTER_SALES
}
