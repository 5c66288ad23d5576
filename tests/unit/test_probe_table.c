/* Unit tests: what every module of the table must do, whatever it is, so a
 * new module file is tested by being listed there; and the result schema
 * the modules declare their fields in. */
#include <pcap/pcap.h>
#include <string.h>

#include "harness.h"
#include "zrecv/output.h"
#include "probe_testutil.h"
#include "core/schema/fields.h"

void test_probe_every_module_of_the_table(void);
void test_fields_schema_and_selection(void);

void test_probe_every_module_of_the_table(void)
{
	struct secret s = test_secret(9);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 2048);
	CHECK(dead);
	int n = 0;
	for (const struct probe_module *const *mp = probe_modules; *mp; mp++, n++) {
		const struct probe_module *m = *mp;
		struct probe_params pp = params(&s);
		struct zerr e;
		uint8_t frame[PROBE_MAX_FRAME];
		uint32_t src = 0xc6120001u, dst = 0xc6121234u;
		CHECKF(m->name && m->description && probe_find(m->name) == m, "module %d", n);
		for (const struct probe_module *const *o = probe_modules; o != mp; o++)
			CHECKF(strcmp((*o)->name, m->name) != 0, "%s twice", m->name);
		/* its capture filter compiles, and its fields are the schema's */
		struct bpf_program prog;
		CHECKF(pcap_compile(dead, &prog, m->bpf, 1, PCAP_NETMASK_UNKNOWN) == 0, "%s: %s",
		       m->name, pcap_geterr(dead));
		pcap_freecode(&prog);
		CHECKF((m->fields >> FIELD_COUNT) == 0 && (m->fields & fields_common) == 0,
		       "%s fields", m->name);
		struct output o;
		CHECKF(output_select(&o, m, NULL, &e) == 0, "%s defaults: %s", m->name, e.msg);
		/* its own fields: named once, not as the schema's, each with a
		 * help line; a decoder if it has any */
		for (int j = 0; j < m->n_app_fields; j++) {
			const struct app_field *af = &m->app_fields[j];
			CHECKF(af->name && af->help &&
			           fields_find(af->name, strlen(af->name)) < 0 &&
			           fw_find(m->app_fields, j, af->name, strlen(af->name)) < 0,
			       "%s: field %d", m->name, j);
		}
		CHECKF(!m->n_app_fields == !m->decode && m->n_app_fields <= FIELDW_FIELDS, "%s",
		       m->name);
		/* what zrecv sets up (no --probe-args), then what zsend does */
		CHECKF(probe_setup(m, &pp, NULL, &e) == 0, "%s: %s", m->name, e.msg);
		probe_teardown(m, &pp);
		CHECKF(probe_setup(m, &pp, m->args_example, &e) == 0, "%s: %s", m->name, e.msg);
		CHECKF(pp.template_len <= PROBE_MAX_FRAME &&
		           m->make_template(&pp, src, frame, &e) == 0,
		       "%s template", m->name);
		size_t len = m->fill(&pp, frame, src, dst, 443, 0);
		const uint8_t *ip = frame + 14;
		CHECKF(len >= 14 + 20 && len <= PROBE_MAX_FRAME && rd16(frame + 12) == 0x0800 &&
		           memcmp(frame, pp.dst_mac, 6) == 0 &&
		           memcmp(frame + 6, pp.src_mac, 6) == 0,
		       "%s frame", m->name);
		CHECKF(ip_csum_ok(ip) && rd32(ip + 12) == src && rd32(ip + 16) == dst &&
		           rd16(ip + 2) == len - 14,
		       "%s IPv4 header", m->name);
		CHECKF(l4_csum_ok(ip, ip[9]), "%s transport checksum", m->name);
		/* a probe is not an answer to itself, nor any piece of one */
		struct probe_result r = {0};
		CHECKF(m->validate(&pp, ip, len - 14, &r) != PROBE_VALID, "%s", m->name);
		CHECKF(truncations_safe(m, &pp, ip, len - 14), "%s", m->name);
		probe_teardown(m, &pp);
	}
	pcap_close(dead);
	CHECK(n >= 5);
}

void test_fields_schema_and_selection(void)
{
	struct fields f;
	struct zerr e;
	for (int i = 0; i < FIELD_COUNT; i++) {
		const char *name = fields_table[i].name;
		CHECKF(name && fields_table[i].help && fields_find(name, strlen(name)) == i, "%d",
		       i);
	}
	CHECK(fields_find("sad", 3) < 0 && fields_find("saddrx", 6) < 0);
	field_mask tcp = fields_common | FIELD_BIT(F_SPORT) | FIELD_BIT(F_SEQNUM);
	CHECK(fields_select(&f, tcp, "m", "saddr", "*", &e) == 0 && f.n == 13 &&
	      f.idx[0] == F_SADDR && f.idx[2] == F_SPORT && f.idx[12] == F_TIMESTAMP_STR);
	CHECK(fields_select(&f, tcp, "m", "sport,saddr", NULL, &e) == 0 && f.n == 2 &&
	      f.idx[0] == F_SPORT && f.idx[1] == F_SADDR);
	CHECK(fields_select(&f, tcp, "m", NULL, "saddr,window", &e) < 0 &&
	      strstr(e.msg, "no field 'window' in module m"));
	CHECK(fields_select(&f, ~(field_mask)0, NULL, NULL, "window,bogus", &e) < 0 &&
	      strstr(e.msg, "'bogus' in any module"));
	CHECK(fields_select(&f, tcp, "m", NULL, "", &e) < 0 && strstr(e.msg, "empty"));
}
