/* The unit test runner: runs every test in the table, prints one line each
 * and a final "N passed, N failed". Optional argument: a name substring. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

struct harness harness_state;

#define TESTS(X)                                                                                   \
	X(addr_parse_accepts_and_rejects)                                                          \
	X(addr_format_roundtrip_all_octets)                                                        \
	X(addr_scan_matches_addr_parse)                                                            \
	X(cidr_parse_cases)                                                                        \
	X(escape_shows_every_byte)                                                                 \
	X(ipaddr_text_both_ways)                                                                   \
	X(ipaddr_parse_against_libc)                                                               \
	X(ipaddr_random_against_libc)                                                              \
	X(ipprefix_mapped_slices_are_ipv4s)                                                        \
	X(addrsort_matches_qsort)                                                                  \
	X(ip6set_cases)                                                                            \
	X(ip6set_matches_brute_force)                                                              \
	X(ip6set_overlap_names_both_entries)                                                       \
	X(constraint_default_list_count)                                                           \
	X(constraint_index_is_bijection_random_sets)                                               \
	X(constraint_allowed_matches_brute_force)                                                  \
	X(constraint_cidrs_minimal_cover)                                                          \
	X(constraint_later_paint_wins)                                                             \
	X(constraint_singles_cases)                                                                \
	X(listfile_errors_name_file_and_line)                                                      \
	X(config_lines_parse)                                                                      \
	X(config_faults_name_file_and_line)                                                        \
	X(config_lines_go_to_their_tool)                                                           \
	X(config_file_checks)                                                                      \
	X(factor_random_numbers)                                                                   \
	X(cyclic_generator_has_full_order)                                                         \
	X(perm_visits_every_element_once)                                                          \
	X(perm_shards_partition_positions)                                                         \
	X(perm_shard_sizes_sum_exactly)                                                            \
	X(fastdiv_exact_at_edges)                                                                  \
	X(limit_parse_and_resolve)                                                                 \
	X(ports_parse_cases)                                                                       \
	X(numparse_bounds)                                                                         \
	X(leading_zeros_refused)                                                                   \
	X(limit_below_one_target)                                                                  \
	X(gen_output_independent_of_threads)                                                       \
	X(gen_shards_partition_output)                                                             \
	X(gen_product_space_exact)                                                                 \
	X(gen_mixed_families_exact)                                                                \
	X(linereader_chunks_are_whole_lines)                                                       \
	X(linereader_last_chunk_stays_in_place)                                                    \
	X(linereader_unread_hands_a_record_back)                                                   \
	X(linereader_long_lines_skipped_alike)                                                     \
	X(linereader_endless_line_bounded)                                                         \
	X(linereader_stop_ends_a_growing_line)                                                     \
	X(linereader_request_before_a_long_line_reads_on)                                          \
	X(linereader_long_line_search_is_linear)                                                   \
	X(linereader_skips_a_byte_order_mark)                                                      \
	X(linereader_held_record_then_long_line)                                                   \
	X(rowsplit_csv_plain_fields)                                                               \
	X(rowsplit_csv_quoted_records)                                                             \
	X(rowsplit_csv_record_end_goes_on)                                                         \
	X(rowsplit_json_objects)                                                                   \
	X(rowsplit_json_refuses)                                                                   \
	X(rowsplit_writers_round_trip)                                                             \
	X(rowsplit_json_names_twice)                                                               \
	X(seqwait_hands_every_value_over)                                                          \
	X(secret_key_files)                                                                        \
	X(tcp_syn_frame_and_validation)                                                            \
	X(icmp_echo_frame_and_validation)                                                          \
	X(probe6_every_module_frames)                                                              \
	X(probe6_tcp_syn_answers)                                                                  \
	X(probe6_icmp_echo_answers)                                                                \
	X(probe6_udp_answers)                                                                      \
	X(probe_sport_window)                                                                      \
	X(tcp_ack_frame_and_validation)                                                            \
	X(icmp_echo_time_frame_and_validation)                                                     \
	X(udp_probe_args)                                                                          \
	X(udp_frame_and_validation)                                                                \
	X(filterexpr_table)                                                                        \
	X(filterexpr_errors)                                                                       \
	X(filterexpr_numbers_are_strict)                                                           \
	X(filterexpr_number_bounds)                                                                \
	X(filterexpr_field_that_is_not_a_number)                                                   \
	X(filterexpr_errors_in_one_line)                                                           \
	X(filterexpr_true_false_are_one_and_zero)                                                  \
	X(filterexpr_string_escapes)                                                               \
	X(ratelimit_catches_up_without_bursts)                                                     \
	X(ratelimit_batches_keep_the_rate)                                                         \
	X(ratelimit_shared_schedule_in_order)                                                      \
	X(verdict_says_whether_the_scan_is_whole)                                                  \
	X(status_records_read_back)                                                                \
	X(status_reader_takes_records_in_pieces)                                                   \
	X(zgen_header_reads_back)                                                                  \
	X(zgen_header_refuses_what_zgen_never_writes)                                              \
	X(probe_every_module_of_the_table)                                                         \
	X(probe_lengths_checked_against_capture)                                                   \
	X(frame_ip_snap_length_keeps_what_came)                                                    \
	X(frame_ip_reads_every_link_type)                                                          \
	X(icmp_echo_time_rtt_only_for_replies)                                                     \
	X(fields_schema_and_selection)                                                             \
	X(handover_through_a_pipe)                                                                 \
	X(handover_refuses_what_is_planted)                                                        \
	X(outfile_empties_only_when_committed)                                                     \
	X(write_full_gives_up_once_asked)                                                          \
	X(write_full_blocked_write_given_up)                                                       \
	X(fieldw_renders_json_and_csv)                                                             \
	X(fieldw_refuses_misuse)                                                                   \
	X(fieldw_bounded)                                                                          \
	X(tcpopt_reads_a_linux_synack)                                                             \
	X(tcpopt_hostile_options)                                                                  \
	X(ntp_answer_fields)                                                                       \
	X(ntp_timestamps_against_gmtime)                                                           \
	X(ntp_hostile_answers)                                                                     \
	X(ssdp_answer_fields)                                                                      \
	X(ssdp_hostile_answers)                                                                    \
	X(memcached_answer_fields)                                                                 \
	X(memcached_split_datagrams)                                                               \
	X(memcached_hostile_answers)                                                               \
	X(dns_parse_header_and_compression)                                                        \
	X(dns_rdata_every_type)                                                                    \
	X(dns_rdata_that_does_not_fit)                                                             \
	X(dns_names_escaped_as_dig)                                                                \
	X(dns_hostile_names)                                                                       \
	X(dns_truncations_and_lying_counts)                                                        \
	X(dns_record_bounds)                                                                       \
	X(dns_decode_fields)                                                                       \
	X(dns_random_bytes_stay_in_bounds)                                                         \
	X(dnsquery_parse_forms)                                                                    \
	X(dnsquery_parse_errors)                                                                   \
	X(dnsquery_build_round_trip)                                                               \
	X(dnsquery_matches_and_pick)                                                               \
	X(filterexpr_prefix_membership)                                                            \
	X(filterexpr_bad_prefixes)                                                                 \
	X(filterexpr_text_matches)                                                                 \
	X(udp_template_field_syntax)                                                               \
	X(udp_template_random_fields)                                                              \
	X(udp_template_time_fields)                                                                \
	X(udp_template_lengths_and_ipv6)                                                           \
	X(ber_reader)                                                                              \
	X(ber_values)                                                                              \
	X(snmp_answer_fields)                                                                      \
	X(snmp_value_types)                                                                        \
	X(snmp_hostile_answers)                                                                    \
	X(snmp_request_round_trip)                                                                 \
	X(snmp_module_validation)                                                                  \
	X(netbios_answer_fields)                                                                   \
	X(netbios_hostile_answers)                                                                 \
	X(netbios_module_validation)                                                               \
	X(bacnet_answer_fields)                                                                    \
	X(bacnet_value_types)                                                                      \
	X(bacnet_hostile_answers)                                                                  \
	X(bacnet_request_and_validation)                                                           \
	X(hilbert_bijective_small_orders)                                                          \
	X(hilbert_consecutive_cells_adjacent)                                                      \
	X(hilbert_large_orders_round_trip)                                                         \
	X(hilbert_colour_scale)                                                                    \
	X(hilbert_map_units)

#define DECLARE(name) void test_##name(void);
TESTS(DECLARE)

struct test {
	const char *name;
	void (*fn)(void);
};

#define ENTRY(name) {#name, test_##name},
static const struct test tests[] = {TESTS(ENTRY)};

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		harness_state.failed = 0;
		tests[i].fn();
		if (harness_state.failed) {
			printf("FAIL unit/%s\n", tests[i].name);
			failed++;
		} else {
			printf("ok   unit/%s\n", tests[i].name);
			passed++;
		}
		fflush(stdout);
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
