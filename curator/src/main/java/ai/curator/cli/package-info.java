/** The picocli command line ({@code curator run|validate|describe|list}); the only package that uses picocli. */
package ai.curator.cli;
