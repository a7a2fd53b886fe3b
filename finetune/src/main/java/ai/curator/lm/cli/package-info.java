/**
 * {@code curator lm}: the in-JVM language model on the command line — {@code lm generate}, {@code
 * lm loss}, {@code lm info} and {@code lm tokenizer train} — each a picocli command added through
 * the core's {@link ai.curator.cli.CommandExtension} (parent {@code lm}), so other packages add
 * more {@code lm} subcommands the same way. Bad input (a missing or unsupported checkpoint, a bad
 * option, a row too long) is one line naming the file, option or row, exit code 2.
 */
package ai.curator.lm.cli;
