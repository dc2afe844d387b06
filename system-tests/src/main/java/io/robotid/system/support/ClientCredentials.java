package io.robotid.system.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Access tokens from the local OIDC provider (local-oidc, mock-oauth2-server) by the OAuth2
 * client-credentials grant, as an ERP system or a robot gets them: the provider makes the client
 * id the role ({@code groups}) and copies one organisation claim from the request (see
 * local-oidc/src/main/config/mock-oauth2-server.json).
 */
public final class ClientCredentials {
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private final String issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param issuer e.g. {@code http://127.0.0.1:8090/robotid} */
    public ClientCredentials(String issuer) {
        this.issuer = issuer;
    }

    public String issuer() {
        return issuer;
    }

    public String token(String role, String claim, String value) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials&client_id=").append(encode(role))
                .append("&client_secret=local");
        if (claim != null) {
            form.append('&').append(encode(claim)).append('=').append(encode(value));
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = ACCESS_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
            }
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("OIDC provider unreachable at " + issuer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
