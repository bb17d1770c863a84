package org.maomao.cli;

/**
 * Text a collector or an API client wrote, made safe to print on an operator's terminal. A log line
 * or a CSV column name may hold escape sequences ({@code ESC ]52} writes the clipboard, {@code ESC ]0}
 * the window title, {@code ESC [2J} clears the screen, a lone carriage return overwrites what was
 * printed): each control character but tab and line feed, and each C1 control, becomes {@code ?}. A
 * carriage return that ends a line ({@code \r\n}) is dropped. JSON output ({@code --json}) needs
 * none of this: Jackson escapes every control character.
 */
final class TerminalText {
    private TerminalText() {
    }

    static String safe(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean unsafe = (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f);
            if (unsafe && out == null) {
                out = new StringBuilder(n).append(text, 0, i);
            }
            if (out != null) {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    continue;
                }
                out.append(unsafe ? '?' : c);
            }
        }
        return out == null ? text : out.toString();
    }
}
