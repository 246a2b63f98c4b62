{# A quarantine model loses at most `max_share` of its rows. Fails with the rejected rows, so the
   failure count is how many rows the table lost; severity (warn / error) is set where it is used.
   Rows dated after the as-of date are in rejected_rows as the contract says, but they are not
   wrong, only not yet due (every earlier as-of date of a backfill has them), so they do not count
   toward the share. #}
{% test rejected_share(model, max_share) %}
    with lost as (
        select * from {{ model }}
        where _rejection_reason is not null and _rejection_code <> 'after_as_of_date'
    ),

    shares as (
        select (select count(*) from lost) * 1.0 / nullif(count(*), 0) as rejected_share
        from {{ model }}
    )

    select lost._row_key, lost._rejection_reason
    from lost
    cross join shares
    where shares.rejected_share > {{ max_share }}
{% endtest %}
