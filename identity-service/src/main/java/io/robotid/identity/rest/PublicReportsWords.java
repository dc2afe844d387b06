package io.robotid.identity.rest;

import java.time.Duration;

final class PublicReportsWords {
    private PublicReportsWords() {
    }

    static String window(Duration window) {
        long minutes = window.toMinutes();
        if (minutes >= 1 && window.toSeconds() % 60 == 0) {
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return window.toSeconds() + " seconds";
    }
}
