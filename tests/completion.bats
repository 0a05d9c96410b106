#!/usr/bin/env bats
# Bash completion (issue 12): installed by make install where bash-completion looks for
# it, loaded by command name, completing options from each tool's usage, the --split
# modes, the formats and the column names of the first shard; nothing read is run.

load helper

setup_file() {
	export KT=$BATS_FILE_TMPDIR
	make -s -C "$TP_ROOT" install-only DESTDIR="$KT/root" PREFIX=/usr >/dev/null
	tp-gen-orders -n 2 -r 10 -o "$KT/in" >/dev/null
}

# complete LINE: what bash offers at | in LINE (at its end without one), one a line:
# the completion is loaded as bash-completion loads it, by the command's name, from the
# installed tree (else sourced from there), and called as readline calls it.
complete_at() {
	bash -c '
		line=$1 root=$2
		point=${line%%|*}; point=${#point}; line=${line/|/}
		if [ -f /usr/share/bash-completion/bash_completion ]; then
			. /usr/share/bash-completion/bash_completion
			XDG_DATA_DIRS=$root/usr/share __load_completion "${line%% *}" || exit 3
		else
			. "$root/usr/share/bash-completion/completions/${line%% *}" || exit 3
		fi
		spec=$(complete -p "${line%% *}") || exit 4
		fn=${spec#*-F }; fn=${fn%% *}
		COMP_LINE=$line COMP_POINT=$point
		# COMP_WORDS as readline splits them (COMP_WORDBREAKS: also at : and =)
		read -ra COMP_WORDS <<<"$(printf "%s" "${line:0:point}" | sed "s/[:=]/ & /g")"
		[[ ${line:0:point} == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$1" "$KT/root"
}

@test "completion: installed for every tool, one file and links, where bash-completion looks" {
	local d=$KT/root/usr/share/bash-completion/completions t
	for t in $TP_TOOLS; do
		[ -e "$d/$t" ] || flunk "no completion for $t"
	done
	[ -f /usr/share/bash-completion/bash_completion ] || skip "SKIP: bash-completion is not installed (loaded by sourcing instead)"
	run complete_at "tp-write --jo"
	expect_status 0
}

@test "completion: tp-run --sp<TAB> gives --split, --split <TAB> the modes, --dedup <TAB> the first shard's columns" {
	PATH=$KT/root/usr/bin:$PATH
	expect_eq "$(complete_at "tp-run --sp")" "--split"
	expect_eq "$(complete_at "tp-run --split " | sort | tr '\n' ' ')" "group: hash: none random stratified temporal: "
	expect_eq "$(complete_at "tp-run --dedup | $KT/in out" | tr '\n' ' ')" \
		"customerId orderId orderDate emailAddress billingAddressName customerName paymentAccountHolderName orderAmount isFraud feat__DOT__00 feat__DOT__01 feat__DOT__02 "
	expect_eq "$(complete_at "tp-run $KT/in out --dedup cu" | tr '\n' ' ')" "customerId customerName "
	# temporal:COL after the colon: the column part, as readline inserts it
	expect_eq "$(complete_at "tp-run --split temporal:orderD| $KT/in out")" "orderDate"
	expect_eq "$(complete_at "tp-run -f " | tr '\n' ' ')" "csv tsv csv.gz tsv.gz parquet "
	expect_eq "$(complete_at "tp-run --job-type c")" "calibration"
	expect_eq "$(complete_at "tp-run --on-bad-row q")" "quarantine"
	expect_eq "$(complete_at "tp-run --compression z")" "zstd"
	expect_eq "$(complete_at "tp-processing --job")" "--job_type"
	expect_eq "$(complete_at "tp-scan -l is| $KT/in/part-00000.csv")" "isFraud"
	expect_eq "$(complete_at "tp-context --metadata-format " | tr '\n' ' ')" "csv json "
}

@test "completion: every tool's options are those of its usage text" {
	PATH=$KT/root/usr/bin:$PATH
	local t want
	for t in $TP_TOOLS; do
		want=$("$t" --help | grep -oE -- '--[a-z0-9_-]+' | sort -u)
		expect_eq "$(complete_at "$t --" | sort -u)" "$want" "$t"
	done
}

@test "completion: hostile column names are offered quoted and never run" {
	PATH=$KT/root/usr/bin:$PATH
	mkdir h
	printf '%s\n' 'a b,$(touch pwned),`touch pw2`,c' '1,2,3,4' >h/part-00000.csv
	expect_eq "$(complete_at "tp-run h o --dedup " | tr '\n' ' ')" 'a\ b \$\(touch\ pwned\) \`touch\ pw2\` c '
	expect_no_file pwned pw2
}
