<?php
/**
 * Plugin Name: Causerie for Akismet
 * Description: Sends the Akismet plugin's API calls to a Causerie server.
 */

// Your Causerie server, without a trailing slash.
const CAUSERIE_AKISMET_URL = '{{URL}}';

add_filter( 'pre_http_request', 'causerie_akismet_proxy', 10, 3 );

function causerie_akismet_proxy( $preempt, $args, $url ) {
	if ( false !== $preempt ) {
		return $preempt; // another plugin already answered this request
	}
	$api   = 'rest.akismet.com';
	$parts = wp_parse_url( $url );
	$host  = strtolower( $parts['host'] ?? '' );
	$headers = is_array( $args['headers'] ?? null ) ? $args['headers'] : array();
	// The connectivity check calls Akismet's addresses with "Host: rest.akismet.com".
	$named = strtolower( $headers['Host'] ?? $headers['host'] ?? '' );
	if ( $host !== $api && ! str_ends_with( $host, '.' . $api ) && $named !== $api ) {
		return $preempt; // not an Akismet call: let WordPress send it
	}
	$target = CAUSERIE_AKISMET_URL . ( $parts['path'] ?? '/' );
	if ( ! empty( $parts['query'] ) ) {
		$target .= '?' . $parts['query'];
	}
	if ( str_ends_with( $host, '.' . $api ) ) {
		// Old form with the key in the host name: pass it on as api_key.
		$target = add_query_arg( 'api_key', substr( $host, 0, -strlen( '.' . $api ) ), $target );
	}
	// The plugin sets "Host: rest.akismet.com"; the new URL brings its own.
	unset( $headers['Host'], $headers['host'] );
	$args['headers'] = $headers;
	return wp_remote_request( $target, $args );
}

// The settings page's chart and "Detailed Stats" are iframes from tools.akismet.com,
// which the admin's browser loads itself: point them at Causerie's pages.
add_filter( 'clean_url', 'causerie_akismet_stats_pages' );

function causerie_akismet_stats_pages( $url ) {
	$tools = 'https://tools.akismet.com/1.0/';
	if ( ! str_starts_with( $url, $tools ) ) {
		return $url;
	}
	$page = preg_replace( '/\.php(?=\?|$)/', '', substr( $url, strlen( $tools ) ), 1 );
	return CAUSERIE_AKISMET_URL . '/akismet/' . $page;
}
