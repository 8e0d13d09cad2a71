/* An agent library that starts nothing and never connects: leakscope-cli attach must give up within its
 * timeout and leave the process running. */
__attribute__((visibility("default"))) int leakscope_agent_start(const char* argument)
{
    (void)argument;
    return 0;
}
