# Bash completion for the tp tools (tp-scan, tp-context, tp-transform, tp-split,
# tp-write, tp-run, tp-processing). Installed by make install as
# share/bash-completion/completions/tp-run, with a link of every other tool's name to it,
# so that bash-completion loads it for any of them.
#
# The options come from the tool's own usage text (TOOL --help), so they are always
# those the installed tool takes; the values from the tables below: --split modes,
# formats, codecs, policies, job types; column names from the header of the first shard
# (tp-run, tp-processing: of INPUT_DIR; tp-scan, tp-transform: of the FILE operand)
# where a column is expected. Nothing read is ever run: names are only printed.

# _tp_words TOOL: the options in TOOL's usage text, one a line
_tp_words() {
	"$1" --help 2>/dev/null | grep -oE -- '(^|[[ |])-(-[a-z0-9_-]+|[a-zA-Z]+)' |
		sed -E 's/^[[ |]//' | while IFS= read -r w; do
		case $w in
		--*) printf '%s\n' "$w" ;;
		-*) # a group of short flags: -hq is -h and -q
			local i
			for ((i = 1; i < ${#w}; i++)); do printf -- '-%s\n' "${w:i:1}"; done
			;;
		esac
	done | sort -u
}

# _tp_header FILE: the column names of the shard FILE, one a line (CSV or TSV, plain or
# gzip, by its first line; Parquet through tp-scan, for at most 2 seconds)
_tp_header() {
	local f=$1 line delim=,
	[ -f "$f" ] && [ -r "$f" ] || return 0
	case $f in *.tsv | *.tsv.gz) delim=$'\t' ;; esac
	if [ "$(head -c 4 -- "$f" 2>/dev/null)" = PAR1 ]; then
		timeout 2 tp-scan -o - -- "$f" 2>/dev/null | awk -F'\t' '$1 == "col" { print $2 }'
		return 0
	fi
	line=$(gzip -dcf -- "$f" 2>/dev/null | head -n 1 | tr -d '\r')
	line=${line#$'\xef\xbb\xbf'}
	printf '%s\n' "$line" | awk -v FS="$delim" '{ for (i = 1; i <= NF; i++) { v = $i; gsub(/^"|"$/, "", v); print v } }'
}

# _tp_first_shard DIR: the first shard of DIR as tp-run orders them (bytewise, names
# starting with _ or . skipped)
_tp_first_shard() {
	[ -d "$1" ] || return 0
	local f
	f=$(find "$1/" -mindepth 1 -maxdepth 1 ! -name '_*' ! -name '.*' -printf '%f\n' 2>/dev/null |
		LC_ALL=C sort | head -n 1)
	[ -z "$f" ] || printf '%s\n' "${1%/}/$f"
}

# _tp_operands: the words of the command line (_tp_line), but the one completed, that
# are not options or their values
_tp_operands() {
	local i w takes
	for ((i = 1; i < ${#_tp_w[@]}; i++)); do
		[ "$i" -ne "$_tp_cw" ] || continue
		w=${_tp_w[i]}
		case $w in
		--*=*) ;;
		-*)
			# an option with a value: the next word is its value
			takes=$(_tp_value_kind "$w")
			[ -z "$takes" ] || i=$((i + 1))
			;;
		*) printf '%s\n' "$w" ;;
		esac
	done
}

# _tp_line: the words of the line split at blanks alone (_tp_w; bash's COMP_WORDS also
# splits at ':' and '=', as in temporal:COL), and the index of the one the cursor is in
# (_tp_cw)
_tp_line() {
	local before=${COMP_LINE:0:COMP_POINT} after=${COMP_LINE:COMP_POINT} f b=() a=()
	f=$(set -f; printf '%s\n' $before)
	[ -z "$f" ] || mapfile -t b <<<"$f"
	f=$(set -f; printf '%s\n' $after)
	[ -z "$f" ] || mapfile -t a <<<"$f"
	if [[ -z $before || $before == *[[:space:]] ]]; then
		_tp_cur=
		b+=("")
	else
		_tp_cur=${b[${#b[@]} - 1]}
	fi
	# a cursor inside a word: the rest of it is part of the word completed
	[[ -n $after && $after != [[:space:]]* && ${#a[@]} -gt 0 ]] && a=("${a[@]:1}")
	_tp_w=("${b[@]}" "${a[@]}")
	_tp_cw=$((${#b[@]} - 1))
	_tp_prev=
	[ "$_tp_cw" -gt 0 ] && _tp_prev=${_tp_w[_tp_cw - 1]}
}

# _tp_value_kind OPTION: what the option's value is (col, mode, format, metadata, codec,
# policy, job, fiton, file, other), or nothing for a flag
_tp_value_kind() {
	case $1 in
	-l | --label | --dedup | --expand-json | --id) echo col ;;
	--split) echo mode ;;
	-f | --format) echo format ;;
	--metadata-format) echo metadata ;;
	--compression) echo codec ;;
	--on-bad-row) echo policy ;;
	--job-type | --job_type) echo job ;;
	--fit-on) echo fiton ;;
	-s | --signature | -c | --context | -o | --output | -r | --report | -d | --rejects | --rows | \
		--fit-from | --transforms | --files0-from | --join | -a | --audit | --fit) echo file ;;
	-j | --jobs | -n | --shard | -m | --memory | --max-bad-rows | --row-group-size | --seed | \
		--test-val-ratio | --train-ratio | --transform | --concat | --records | --explode) echo other ;;
	esac
}

# _tp_columns TOOL: the column names for TOOL's command line so far
_tp_columns() {
	local ops first
	mapfile -t ops < <(_tp_operands)
	case $1 in
	tp-run) [ ${#ops[@]} -ge 1 ] && first=$(_tp_first_shard "${ops[0]}") ;;
	tp-processing) first=$(_tp_first_shard "${TP_PROCESSING_ROOT:-/opt/ml/processing}/input/data") ;;
	*) [ ${#ops[@]} -ge 1 ] && first=${ops[${#ops[@]} - 1]} ;;
	esac
	[ -n "${first:-}" ] && _tp_header "$first"
}

# _tp_reply WORDS: the words that start with the word being completed, cut as bash
# inserts them: after the last ':' or '=' of that word (COMP_WORDBREAKS)
# (not compgen -W, which expands each word: a column named $(cmd) would run cmd).
_tp_reply() {
	local w cut=
	case $_tp_cur in *[:=]*) cut=${_tp_cur%[:=]*}? ;; esac
	COMPREPLY=()
	while IFS= read -r w; do
		# quoted for the shell: a column name may hold blanks or $
		[[ $w == "$_tp_cur"* ]] && [ -n "${w:${#cut}}" ] && COMPREPLY+=("$(printf '%q' "${w:${#cut}}")")
	done <<<"$1"
	return 0
}

_tp_complete() {
	local tool=${COMP_WORDS[0]##*/} kind _tp_w _tp_cw _tp_cur _tp_prev
	_tp_line
	COMPREPLY=()
	kind=$(_tp_value_kind "$_tp_prev")
	case $kind in
	col) _tp_reply "$(_tp_columns "$tool")" ;;
	mode)
		local modes=$'random\nstratified\nnone\ntemporal:\ngroup:\nhash:' c
		case $_tp_cur in
		*:*) while IFS= read -r c; do modes="$modes"$'\n'"temporal:$c"$'\n'"group:$c"$'\n'"hash:$c"; done < <(_tp_columns "$tool") ;;
		esac
		_tp_reply "$modes"
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
		;;
	format) _tp_reply $'csv\ntsv\ncsv.gz\ntsv.gz\nparquet' ;;
	metadata) _tp_reply $'csv\njson' ;;
	codec) _tp_reply $'snappy\nzstd\ngzip\nnone' ;;
	policy) _tp_reply $'fail\nskip\nquarantine' ;;
	job) _tp_reply $'training\nvalidation\ntesting\ncalibration' ;;
	fiton) _tp_reply $'train\nall' ;;
	file) mapfile -t COMPREPLY < <(compgen -f -- "$_tp_cur") ;;
	other) ;;
	*)
		case $_tp_cur in
		-*) _tp_reply "$(_tp_words "${COMP_WORDS[0]}")" ;;
		*) mapfile -t COMPREPLY < <(compgen -f -- "$_tp_cur") ;;
		esac
		;;
	esac
	return 0
}

complete -F _tp_complete tp-scan tp-context tp-transform tp-split tp-write tp-run tp-processing
