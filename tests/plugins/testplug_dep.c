/* testplug_dep.c - a library the TP_NEEDS_DEP test plugin links: copied
 * without it, the plugin fails to load with "missing library". */
int tp_dep_value(void);
int tp_dep_value(void) { return 42; }
