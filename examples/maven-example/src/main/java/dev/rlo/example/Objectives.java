package dev.rlo.example;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Prints the manifest rlo-maven-plugin put in this jar: what was compiled from src/main/rlo. */
public final class Objectives {

    private Objectives() { }

    public static void main(String[] args) throws IOException {
        try (InputStream in = Objectives.class.getResourceAsStream("/rlo/manifest.json")) {
            System.out.println(in == null ? "no rlo/manifest.json: was rlo:compile run?" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
