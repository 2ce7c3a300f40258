using Veiligthuis.Common.V1;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Tests;

internal static class WerkvoorraadPaging
{
    /// <summary>Every page of the werkvoorraad for <paramref name="request"/>'s filters, followed token by token.</summary>
    public static async Task<List<Werkitem>> ListAllAsync(this V1.Werkvoorraad.WerkvoorraadClient client,
        ListWerkvoorraadRequest request, string token, int pageSize = 500)
    {
        var all = new List<Werkitem>();
        request.Page = new PageRequest { PageSize = pageSize };
        while (true)
        {
            var page = await client.ListWerkvoorraadAsync(request, Auth.Bearer(token));
            all.AddRange(page.Werkitems);
            if (page.Page.NextPageToken.Length == 0)
            {
                return all;
            }

            request.Page.PageToken = page.Page.NextPageToken;
        }
    }
}
