/* delta_ckpt_schema.h - the checkpoint schema PyForge writes (the Delta
 * protocol's "Checkpoint Schema", the columns delta_state.h holds) as a
 * depth-first table of Parquet schema nodes, and the leaf columns of that
 * tree. Shared by the checkpoint writer (delta_checkpoint.c) and the tests.
 */
#ifndef PF_WRITERS_DELTA_CKPT_SCHEMA_H
#define PF_WRITERS_DELTA_CKPT_SCHEMA_H

#include <stddef.h>

/* Converted types written (parquet.thrift ConvertedType). */
enum { PF__CK_CT_NONE = -1, PF__CK_CT_UTF8 = 0, PF__CK_CT_MAP = 1, PF__CK_CT_LIST = 3 };

typedef struct pf__ck_node {
  const char *name;
  int type;         /* Parquet physical type; -1 for a group              */
  int repetition;   /* 0 required, 1 optional, 2 repeated                 */
  int n_children;   /* groups: children that follow (depth-first)        */
  int converted;    /* PF__CK_CT_*                                        */
} pf__ck_node;

/* Leaf columns, in schema (and file) order. */
typedef enum pf__ck_leaf {
  PF__CK_TXN_APPID, PF__CK_TXN_VERSION, PF__CK_TXN_LASTUPDATED,
  PF__CK_ADD_PATH, PF__CK_ADD_PV_KEY, PF__CK_ADD_PV_VALUE, PF__CK_ADD_SIZE,
  PF__CK_ADD_MODTIME, PF__CK_ADD_DATACHANGE, PF__CK_ADD_STATS,
  PF__CK_ADD_TAGS_KEY, PF__CK_ADD_TAGS_VALUE,
  PF__CK_RM_PATH, PF__CK_RM_DELTS, PF__CK_RM_DATACHANGE, PF__CK_RM_EXT,
  PF__CK_RM_PV_KEY, PF__CK_RM_PV_VALUE, PF__CK_RM_SIZE,
  PF__CK_RM_TAGS_KEY, PF__CK_RM_TAGS_VALUE,
  PF__CK_MD_ID, PF__CK_MD_NAME, PF__CK_MD_DESC, PF__CK_MD_PROVIDER,
  PF__CK_MD_OPT_KEY, PF__CK_MD_OPT_VALUE, PF__CK_MD_SCHEMA, PF__CK_MD_PARTCOLS,
  PF__CK_MD_CONF_KEY, PF__CK_MD_CONF_VALUE, PF__CK_MD_CREATED,
  PF__CK_PR_MINREADER, PF__CK_PR_MINWRITER, PF__CK_PR_RFEATURES,
  PF__CK_PR_WFEATURES,
  PF__CK_N_LEAVES
} pf__ck_leaf;

/* The node table: [0] is the root, every group followed by its children. */
extern const pf__ck_node pf__ck_nodes[];
extern const size_t pf__ck_n_nodes;

#endif
